using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Declarative.Auth.PostgreSql;
using Declarative.Auth.Stores.Tests.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Cli.Tests;

/// <summary>The tool on <c>--postgres</c>: the same verbs against a throw-away server, and an app on the same database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlTests(PostgresServer server) : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [PostgresFact]
    public async Task Create_list_rotate_and_revoke_work_on_PostgreSQL()
    {
        var db = await server.CreateDatabaseAsync();
        var created = (await _cli.OkAsync("keys", "create", "--postgres", db, "--prefix", CliHarness.Prefix, "-n", "pg-bot", "-p", "read:events", "--json")).Json;
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(KeyFormatError.None, _cli.Format.Check(secret));

        await using var store = new PostgreSqlApiKeyStore(db);
        Assert.Equal(id, (await store.FindAsync(KeyHash.Compute(secret)))?.Id);

        var list = await _cli.OkAsync("keys", "list", "--postgres", db);
        Assert.Contains(id, list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Out, StringComparison.Ordinal);

        var rotated = (await _cli.OkAsync("keys", "rotate", id, "--postgres", db, "--json")).Json;
        var newId = rotated.GetProperty("id").GetString()!;
        Assert.True((await store.GetAsync(id))!.IsRevoked(DateTimeOffset.UtcNow));
        Assert.Equal(newId, (await store.FindAsync(KeyHash.Compute(rotated.GetProperty("secret").GetString()!)))?.Id);

        await _cli.OkAsync("keys", "revoke", newId, "--postgres", db);
        Assert.NotNull((await store.GetAsync(newId))!.RevokedAt);
    }

    [PostgresFact]
    public async Task A_schema_other_than_public_is_used_when_named()
    {
        var db = await server.CreateDatabaseAsync();
        var id = (await _cli.OkAsync("keys", "create", "--postgres", db, "--postgres-schema", "auth", "-n", "s", "-p", "admin", "--json")).Json.GetProperty("id").GetString()!;
        await using var store = new PostgreSqlApiKeyStore(db, new PostgreSqlStoreOptions { Schema = "auth" });
        Assert.NotNull(await store.GetAsync(id));
        var inPublic = await _cli.RunAsync("keys", "get", id, "--postgres", db);
        Assert.Equal(1, inPublic.ExitCode);
    }

    [PostgresFact]
    public async Task A_revoke_by_the_tool_reaches_an_app_on_the_same_database_within_a_second()
    {
        var db = await server.CreateDatabaseAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = CliHarness.Prefix;
            o.KeyEnvironment = KeyEnvironment.Test;
        }).UsePostgreSqlStore(db);
        await using var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "ok");
        await app.StartAsync();

        var created = (await _cli.OkAsync("keys", "create", "--postgres", db, "--prefix", CliHarness.Prefix, "-n", "e2e", "-p", "read:events", "--json")).Json;
        var secret = created.GetProperty("secret").GetString()!;
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/x")).StatusCode);

        await _cli.OkAsync("keys", "revoke", created.GetProperty("id").GetString()!, "--postgres", db);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage last;
        while (true)
        {
            last = await client.GetAsync("/x");
            if (last.StatusCode != HttpStatusCode.OK || clock.Elapsed > TimeSpan.FromSeconds(3))
                break;
            await Task.Delay(20);
        }
        var body = await last.Content.ReadAsStringAsync();
        Assert.True(last.StatusCode == HttpStatusCode.Unauthorized, $"{last.StatusCode}: {body}");
        Assert.Contains("\"code\":\"KEY_REVOKED\"", body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        await app.StopAsync();
    }
}
