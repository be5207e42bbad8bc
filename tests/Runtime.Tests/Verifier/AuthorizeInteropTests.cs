using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>[Authorize] / RequireAuthorization() endpoints with API keys, through the ApiKey scheme.</summary>
public sealed class AuthorizeInteropTests
{
    private static Task<TestApp> Start() => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/authorized", () => "in").RequireAuthorization();
            a.MapGet("/admins", () => "admin").RequireAuthorization("admins");
        },
        services: s => s.AddAuthorizationBuilder().AddPolicy("admins", p => p.RequireClaim(DeclarativeAuthClaimTypes.Permission, "admin")));

    [Fact]
    public async Task No_key_is_our_401_json_not_an_exception()
    {
        await using var app = await Start();
        var response = await app.Client().GetAsync("/authorized");
        await response.AssertRefusal(401, "UNAUTHORIZED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_valid_key_is_an_authenticated_user()
    {
        await using var app = await Start();
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:events")).GetAsync("/authorized")).StatusCode);
    }

    [Fact]
    public async Task A_policy_on_the_permission_claims_forbids_with_our_403_json()
    {
        await using var app = await Start();
        await (await app.Client(app.Key("read:events")).GetAsync("/admins")).AssertRefusal(403, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("admin")).GetAsync("/admins")).StatusCode);
    }
}

public sealed class AuthorizeBeforeVerifierTests
{
    [Fact]
    public void UseAuthorization_placed_before_UseDeclarativeAuth_stops_start_up_naming_the_fix()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Services.AddAuthorization();
        builder.Services.AddDeclarativeAuth().UseInMemoryStore();
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthorization();
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseDeclarativeAuth());
        Assert.Contains("Move app.UseDeclarativeAuth() above app.UseAuthorization()", ex.Message);
    }
}
