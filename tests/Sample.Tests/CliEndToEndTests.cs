extern alias cli;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using cli::Declarative.Auth.Cli;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task The_CLIs_json_for_a_key_is_the_HTTP_APIs_json_for_it()
    {
        var client = factory.CreateClient();
        var admin = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync(new CreateApiKeyRequest { Name = "json-admin", Permissions = ["admin"] });
        var made = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync(new CreateApiKeyRequest
        {
            Name = "json-events", Kind = ApiKeyKind.EventWrite, SourceConnection = "src_1", Workspace = "ws_1", ExpiresAt = DateTimeOffset.UtcNow.AddDays(3),
        });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Secret);
        var api = await client.GetStringAsync($"/auth/keys/{made.Key.Id}");

        var (exit, output, error) = await Cli("keys", "get", made.Key.Id, "--sqlite", factory.KeysDb, "--json");
        Assert.True(exit == 0, error);
        Assert.Equal(Normalized(api), Normalized(output));
        Assert.Contains("\"kind\":\"EventWrite\"", Normalized(output), StringComparison.Ordinal);
        Assert.Contains("\"environment\":\"Test\"", Normalized(output), StringComparison.Ordinal);
    }

    /// <summary>The same members and values, whatever the indentation, member order and string escaping.</summary>
    private static string Normalized(string json)
        => string.Join(",", JsonDocument.Parse(json).RootElement.EnumerateObject()
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"\"{p.Name}\":{(p.Value.ValueKind == JsonValueKind.String ? JsonSerializer.Serialize(p.Value.GetString()) : p.Value.GetRawText())}"));
}
