using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Verifier;

public sealed class StartupTests
{
    [Fact]
    public async Task Opting_out_lets_undeclared_endpoints_through_and_says_so()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/legacy", () => "legacy"),
            o => o.UndeclaredEndpoints = UndeclaredEndpointBehavior.Allow);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/legacy")).StatusCode);
        Assert.Contains(app.Logs.Lines(), l => l.Contains("GET /legacy") && l.Contains("allowed without a key"));
    }

    [Fact]
    public async Task No_store_fails_start_up_naming_the_fix()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDeclarativeAuth();
        await using var app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseDeclarativeAuth());
        Assert.Contains("UseSqliteStore", ex.Message);
        Assert.Contains("UseInMemoryStore()", ex.Message);
    }

    [Fact]
    public void UseDeclarativeAuth_without_AddDeclarativeAuth_fails_naming_the_fix()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseDeclarativeAuth());
        Assert.Contains("AddDeclarativeAuth()", ex.Message);
    }

    [Fact]
    public async Task Keys_from_configuration_are_hashes_and_work()
    {
        var Secret = new ApiKeyFormat("dauth", KeyEnvironment.Test).Generate();
        var hash = KeyHash.Compute(Secret).ToHex();
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            builder: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DeclarativeAuth:Keys:0:Name"] = "from-config",
                ["DeclarativeAuth:Keys:0:Sha256"] = hash,
                ["DeclarativeAuth:Keys:0:Permissions:0"] = "read:events",
            }));
        Assert.Equal(HttpStatusCode.OK, (await app.Client(Secret).GetAsync("/x")).StatusCode);
        Assert.Equal("from-config", app.Store.List().Single().Name);
    }

    [Fact]
    public async Task A_secret_in_place_of_a_hash_fails_start_up_without_echoing_it()
    {
        const string Secret = "oops_this_is_the_secret_itself";
        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestApp.StartAsync(
            a => { },
            builder: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DeclarativeAuth:Keys:0:Name"] = "bad",
                ["DeclarativeAuth:Keys:0:Sha256"] = Secret,
                ["DeclarativeAuth:Keys:0:Permissions:0"] = "read:events",
            })));
        Assert.Contains("DeclarativeAuth:Keys:0:Sha256", ex.Message);
        Assert.DoesNotContain(Secret, ex.Message);
    }

    [Fact]
    public void RequireKey_with_a_bad_scope_fails_when_mapped()
    {
        var builder = WebApplication.CreateBuilder();
        var app = builder.Build();
        var ex = Assert.Throws<ArgumentException>(() => app.MapGroup("/x").RequireKey(KeyType.Read, "Not A Scope"));
        Assert.Contains("Scope = \"events\"", ex.Message);
        Assert.Throws<ArgumentException>(() => app.MapGroup("/y").RequireKey(KeyType.Admin, "events"));
    }
}

/// <summary>
/// ASP.NET Core builds a minimal-API endpoint (its request delegate, with the factory's expression compile) each
/// time an EndpointDataSource is enumerated through a new composite: the verifier's start-up read through the
/// DI data source, routing through its own, so every endpoint was built twice. Endpoint conventions run once
/// per build, which makes the count observable.
/// </summary>
public sealed class EndpointBuildTests
{
    [Fact]
    public async Task Each_endpoint_is_built_once_for_routing_and_the_verifier()
    {
        var builds = 0;
        var groupBuilds = 0;
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x").Add(_ => Interlocked.Increment(ref builds));
            var group = a.MapGroup("/g").RequireKey(KeyType.Read, "events");
            group.MapGet("/y", () => "y").Add(_ => Interlocked.Increment(ref groupBuilds));
        });
        var key = app.Key("read:events");
        Assert.Equal("x", await app.Client(key).GetStringAsync("/x"));
        Assert.Equal("y", await app.Client(key).GetStringAsync("/g/y"));
        await (await app.Client().GetAsync("/g/y")).AssertRefusal(401, "UNAUTHORIZED");
        Assert.Equal(1, builds);
        Assert.Equal(1, groupBuilds);
    }
}

/// <summary>
/// Tests that register a manifest in the process-wide registry (or read it before start-up) run alone: a fake
/// manifest seen by another test's key validation would change its answer.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideManifests
{
    public const string Name = "Process-wide manifests";
}

/// <summary>Start-up compares each live endpoint's compiled policy with the build's row for it.</summary>
[Collection(ProcessWideManifests.Name)]
public sealed class TableContractTests
{
    [Fact]
    public async Task A_row_that_differs_from_the_compiled_policy_is_a_warning_naming_both()
    {
        AuthManifestRegistry.Register(new AuthManifest("TableContractTests.Fake", ["read:table"],
        [
            new EndpointEntry(["GET"], "/contract/differs", ["read:table"], EndpointAccess.Key, "lambda", "Program.cs", 7),
            new EndpointEntry(["GET"], "/contract/agrees", ["read:same"], EndpointAccess.Key, "lambda", "Program.cs", 8),
        ]));
        using var unregister = new Unregister("TableContractTests.Fake");
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/contract/differs", () => "x").RequireKey(KeyType.Read, "metadata");
            a.MapGet("/contract/agrees", () => "x").RequireKey(KeyType.Read, "same");
        });
        await app.Client().GetAsync("/contract/agrees");
        var line = Assert.Single(app.Logs.Lines(), l => l.Contains("GET /contract/differs"));
        Assert.Contains("key read:table", line);
        Assert.Contains("key read:metadata", line);
        Assert.Contains("Program.cs:7", line);
        Assert.DoesNotContain(app.Logs.Lines(), l => l.Contains("/contract/agrees") && l.Contains("build's table"));
    }

    [Fact]
    public async Task WhereUndeclared_declares_only_the_endpoints_nothing_else_declares()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            var library = a.MapGroup("/library").AllowAnonymousWhereUndeclared();
            library.MapGet("/open", () => "open");
            library.MapGet("/keyed", () => "keyed").RequireKey(KeyType.Read, "library");
        });
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/library/open")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/library/keyed")).StatusCode);
    }
}

internal sealed class Unregister(string assemblyName) : IDisposable
{
    public void Dispose() => AuthManifestRegistry.Unregister(assemblyName);
}
