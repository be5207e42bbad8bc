extern alias cli;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using cli::Declarative.Auth.Cli;

namespace Declarative.Auth.Sample.Tests;

/// <summary>The README's path: a key made by the CLI in the sample's database, used, then revoked by the CLI.</summary>
public sealed class CliEndToEndTests(SampleFactory factory) : IClassFixture<SampleFactory>
{
    private static async Task<(int Exit, string Out, string Err)> Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Key_created_by_the_CLI_works_on_the_sample_until_the_CLI_revokes_it()
    {
        var client = factory.CreateClient(); // starts the sample on its temporary keys.db
        var (exit, output, error) = await Cli("keys", "create", "--sqlite", factory.KeysDb, "--prefix", "sample", "--env", "test",
            "--name", "ci", "--permission", "read:monitors", "--json");
        Assert.True(exit == 0, error);
        var created = JsonDocument.Parse(output).RootElement;
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("id").GetString()!;

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);

        (exit, _, error) = await Cli("keys", "revoke", id, "--sqlite", factory.KeysDb);
        Assert.True(exit == 0, error);

        // The sample caches the verified key; the SQLite change feed evicts it (polled every 500 ms).
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        do
        {
            response = await client.GetAsync("/api/monitors");
            if (response.StatusCode != HttpStatusCode.OK)
                break;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"KEY_REVOKED\"", await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"revocation took {clock.ElapsedMilliseconds} ms to reach the sample");
    }
}
