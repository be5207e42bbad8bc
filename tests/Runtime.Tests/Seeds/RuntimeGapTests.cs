using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Gaps found by rebuilding the seed APIs, pinned.</summary>
[Collection(Declarative.Auth.Tests.Verifier.ProcessWideManifests.Name)]
public sealed class RuntimeGapTests
{
    [Fact]
    public async Task Keys_created_before_the_app_starts_do_not_freeze_an_empty_endpoint_set()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddDeclarativeAuth().UseInMemoryStore();
        await using var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x");
        app.MapGet("/forgotten", () => "f");

        // Seeding before Run, as the sample does.
        var created = await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = "seed", Permissions = ["read:events"] });
        await app.StartAsync();

        Assert.Contains(logs.Lines(), l => l.Contains("2 endpoints: 1 need a key"));
        Assert.Contains(logs.Lines(), l => l.Contains("Undeclared endpoint GET /forgotten"));
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/x")).StatusCode);
    }

    [Fact]
    public async Task Disabled_organizations_endpoints_are_reported_at_start_up()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "o"),
            o => o.OrganizationsKey.EnvironmentVariable = "DAUTH_TEST_UNSET_ORG_KEY");
        Assert.Contains(app.Logs.Lines(), l => l.Contains("1 organizations endpoints are disabled") && l.Contains("DAUTH_TEST_UNSET_ORG_KEY"));
        Assert.Contains(app.Logs.Lines(), l => l.Contains("1 the organizations key"));
    }

    [Fact]
    public async Task Flat_writer_can_rename_codes_and_choose_messages_per_error()
    {
        var writer = new FlatAuthErrorWriter(
            messages: new Dictionary<string, string> { ["UNAUTHORIZED"] = "Invalid or missing API key" },
            messageFor: e => e.RequiredPermissions is { Count: > 0 } p && p.All(x => x.StartsWith("write:", StringComparison.Ordinal))
                ? "This operation requires a read-write key" : null,
            codes: new Dictionary<string, string> { ["KEY_REVOKED"] = "UNAUTHORIZED", ["KEY_EXPIRED"] = "UNAUTHORIZED" });
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "e");
                a.MapGet("/v1/admin", [RequiresKey(KeyType.Admin)] () => "a");
            },
            services: s => new DeclarativeAuthBuilder(s).UseErrorWriter(writer));
        var secret = app.Format.Generate();
        var key = app.Store.Add("r", secret, ["read:events"]);

        Assert.Equal("""{"error":"forbidden","message":"This operation requires a read-write key"}""",
            await (await app.Client(secret).PostAsync("/v1/events", null)).Content.ReadAsStringAsync());
        Assert.Contains("lacks the required permission: admin", await (await app.Client(secret).GetAsync("/v1/admin")).Content.ReadAsStringAsync());
        app.Store.Revoke(key.Id);
        Assert.Equal("""{"error":"unauthorized","message":"Invalid or missing API key"}""",
            await (await app.Client(secret).PostAsync("/v1/events", null)).Content.ReadAsStringAsync());
    }
}
