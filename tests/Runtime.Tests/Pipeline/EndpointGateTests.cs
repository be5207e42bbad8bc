using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// The step before authentication (issue 17.2): the declaration alone answers public, undeclared and
/// organizations-key endpoints, and hands key and [Authorize] endpoints on to authentication without touching the
/// response.
/// </summary>
public sealed class EndpointGateTests
{
    private static async Task<(TestApp App, EndpointGate Gate)> StartAsync()
    {
        var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/public", [AllowAnonymous] () => "p");
            a.MapGet("/undeclared", () => "u");
            a.MapGet("/key", [RequiresKey(KeyType.Read, Scope = "events")] () => "k");
            a.MapGet("/authorize", [Authorize] () => "a");
        });
        return (app, app.App.Services.GetRequiredService<EndpointGate>());
    }

    private static (DefaultHttpContext Context, Endpoint Endpoint) Request(TestApp app, string route)
    {
        var endpoint = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Single(e => e.RoutePattern.RawText == route);
        var context = new DefaultHttpContext { RequestServices = app.App.Services };
        context.Request.Method = "GET";
        context.Request.Path = route;
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(endpoint);
        return (context, endpoint);
    }

    private static readonly RequestDelegate Next = c => { c.Response.StatusCode = 299; return Task.CompletedTask; };

    [Fact]
    public async Task A_public_endpoint_is_passed_to_next_without_authentication()
    {
        var (app, gate) = await StartAsync();
        await using var host = app;
        var (context, endpoint) = Request(app, "/public");
        var answer = gate.Answer(context, endpoint, Next, out var policy);
        Assert.NotNull(answer);
        await answer;
        Assert.Equal(299, context.Response.StatusCode);
        Assert.Equal(EndpointAccess.Public, policy.Access);
    }

    [Fact]
    public async Task An_undeclared_endpoint_is_refused_before_any_key_is_read()
    {
        var (app, gate) = await StartAsync();
        await using var host = app;
        var (context, endpoint) = Request(app, "/undeclared");
        context.Request.Headers.Authorization = "Bearer " + app.Key("read:events"); // a valid key changes nothing
        var answer = gate.Answer(context, endpoint, Next, out _);
        Assert.NotNull(answer);
        await answer;
        Assert.Equal(AuthError.Undeclared.Status, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/key", EndpointAccess.Key)]
    [InlineData("/authorize", EndpointAccess.Authorize)]
    public async Task Key_and_authorize_endpoints_go_on_to_authentication_with_the_response_untouched(string route, EndpointAccess access)
    {
        var (app, gate) = await StartAsync();
        await using var host = app;
        var (context, endpoint) = Request(app, route);
        Assert.Null(gate.Answer(context, endpoint, Next, out var policy));
        Assert.Equal(access, policy.Access);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.False(context.Response.HasStarted);
        Assert.Empty(context.Response.Headers);
    }
}
