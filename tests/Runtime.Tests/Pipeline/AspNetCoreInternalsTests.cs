using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// What Hosting/AspNetCoreInternals assumes about ASP.NET Core, checked against the framework we run on: an upgrade
/// that changes one of these fails here, by name, instead of in a request path.
/// </summary>
public sealed class AspNetCoreInternalsTests
{
    private static WebApplication Build(Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting().AddAuthorization();
        builder.Services.AddAuthentication();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task UseRouting_UseAuthentication_and_UseAuthorization_set_the_markers_WebApplication_reads()
    {
        await using var app = Build();
        IApplicationBuilder builder = app;
        Assert.False(AspNetCoreInternals.HasRouting(builder));
        Assert.True(AspNetCoreInternals.RoutesImplicitly(builder));
        Assert.Same(app, AspNetCoreInternals.Routes(builder));
        app.UseRouting();
        Assert.True(AspNetCoreInternals.HasRouting(builder));
        Assert.IsAssignableFrom<IEndpointRouteBuilder>(AspNetCoreInternals.Routes(builder));
        app.UseAuthentication();
        Assert.True(AspNetCoreInternals.HasAuthentication(builder));
        var claim = AspNetCoreInternals.ClaimAuthorization(builder);
        Assert.True(AspNetCoreInternals.HasAuthorization(builder));
        Assert.False(AspNetCoreInternals.AppAddedAuthorizationSince(builder, claim));
        app.UseAuthorization();
        Assert.True(AspNetCoreInternals.AppAddedAuthorizationSince(builder, claim));
    }

    [Fact]
    public async Task A_suppressed_implicit_UseAuthentication_is_not_added_by_WebApplication()
    {
        await using var app = Build(s => s.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestUserScheme>(TestUserScheme.Name, null));
        AspNetCoreInternals.SuppressImplicitAuthentication(app);
        app.MapGet("/", (HttpContext c) => c.Features.Get<Microsoft.AspNetCore.Authentication.IAuthenticationFeature>() is null ? "none" : "ran").AllowAnonymous();
        await app.StartAsync();
        Assert.Equal("none", await app.GetTestClient().GetStringAsync("/"));
    }

    [Fact]
    public async Task A_known_route_with_a_wrong_method_gets_the_405_endpoint_we_recognise()
    {
        await using var app = Build();
        Endpoint? seen = null;
        app.Use((context, next) => { seen = context.GetEndpoint(); return next(context); });
        app.MapGet("/things", () => "t");
        await app.StartAsync();
        var response = await app.GetTestClient().DeleteAsync("/things");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.NotNull(seen);
        Assert.True(AspNetCoreInternals.IsMethodNotAllowed(seen!), seen!.DisplayName);
        await app.GetTestClient().GetAsync("/things");
        Assert.False(AspNetCoreInternals.IsMethodNotAllowed(seen!));
    }

    [Fact]
    public async Task Every_form_of_RequireAuthorization_carries_metadata_NeedsAuthorization_sees()
    {
        await using var app = Build();
        app.MapGet("/attribute", [Authorize] () => "a");
        app.MapGet("/fluent", () => "f").RequireAuthorization();
        app.MapGet("/builder", () => "b").RequireAuthorization(p => p.RequireClaim("x"));
        app.MapGet("/policy", () => "p").RequireAuthorization(new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build());
        app.MapGet("/plain", () => "n");
        await app.StartAsync();
        var needs = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToDictionary(
            e => e.RoutePattern.RawText!,
            e =>
            {
                var context = new DefaultHttpContext();
                context.SetEndpoint(e);
                return AspNetCoreInternals.NeedsAuthorization(context);
            });
        Assert.Equal([true, true, true, true, false], new[] { "/attribute", "/fluent", "/builder", "/policy", "/plain" }.Select(p => needs[p]));
    }
}
