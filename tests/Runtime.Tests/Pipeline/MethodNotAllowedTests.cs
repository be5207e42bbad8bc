using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>A wrong method answers as without us; disabled routes look absent (issue 16 item 15).</summary>
public sealed class MethodNotAllowedTests
{
    private static Task<TestApp> Start() => TestApp.StartAsync(a =>
    {
        a.MapGet("/things", [RequiresKey(KeyType.Read, Scope = "things")] () => "t");
        a.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "o");
    }, o => o.OrganizationsKey.EnvironmentVariable = "DAUTH_TEST_UNSET_ORG_KEY");

    [Fact]
    public async Task A_wrong_method_on_an_existing_route_is_405_with_Allow()
    {
        await using var app = await Start();
        var response = await app.Client(app.Key("read:things")).DeleteAsync("/things");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Disabled_organizations_routes_answer_as_a_route_that_does_not_exist_for_every_method()
    {
        await using var app = await Start();
        var absent = (await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v1/nothing-here"))).StatusCode;
        Assert.Equal(absent, (await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v1/organizations"))).StatusCode);
        Assert.Equal(absent, (await app.Client().DeleteAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/v1/organizations")).StatusCode);
    }
}
