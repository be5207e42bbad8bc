using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Cli.Tests;

/// <summary>
/// The tool and a running app on one SQLite file: a key created by the tool is accepted, and a revoke by the
/// tool (another writer of the file, like another process) reaches the app's cache through the change feed.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<WebApplication> StartAppAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = CliHarness.Prefix;
            o.KeyEnvironment = KeyEnvironment.Test;
        }).UseSqliteStore(_cli.Db);
        var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "ok");
        await app.StartAsync();
        return app;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(WebApplication app, string key)
    {
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_key_created_by_the_tool_works_and_a_revoke_by_the_tool_is_enforced_within_a_second()
    {
        await using var app = await StartAppAsync();
        var (id, secret) = await _cli.CreateAsync("e2e");

        var ok = await GetAsync(app, secret);
        Assert.True(ok.Status == HttpStatusCode.OK, ok.Body);
        Assert.Equal("ok", ok.Body);
        // Cached now: the revoke below must reach the cache through the change feed, not a cache miss.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, secret)).Status);

        await _cli.OkAsync("keys", "revoke", id, "--sqlite", _cli.Db);
        var clock = Stopwatch.StartNew();
        (HttpStatusCode Status, string Body) last;
        do
        {
            last = await GetAsync(app, secret);
            if (last.Status != HttpStatusCode.OK)
                break;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(3));

        Assert.True(last.Status == HttpStatusCode.Unauthorized, $"{last.Status} after {clock.Elapsed}: {last.Body}");
        Assert.Contains("\"code\":\"KEY_REVOKED\"", last.Body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
        await app.StopAsync();
    }

    [Fact]
    public async Task A_key_made_with_another_prefix_is_refused_by_the_app()
    {
        await using var app = await StartAppAsync();
        var json = (await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "-n", "wrong", "-p", "read:events", "--json")).Json; // default prefix dauth
        var refused = await GetAsync(app, json.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_rotation_by_the_tool_switches_the_app_to_the_new_key()
    {
        await using var app = await StartAppAsync();
        var (id, oldSecret) = await _cli.CreateAsync("rotated");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, oldSecret)).Status);

        var rotated = (await _cli.OkAsync("keys", "rotate", id, "--sqlite", _cli.Db, "--json")).Json;
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, newSecret)).Status);

        var clock = Stopwatch.StartNew();
        (HttpStatusCode Status, string Body) last;
        do
        {
            last = await GetAsync(app, oldSecret);
            if (last.Status != HttpStatusCode.OK)
                break;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.True(last.Status == HttpStatusCode.Unauthorized, last.Body);
        Assert.Contains("\"code\":\"KEY_REVOKED\"", last.Body, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
