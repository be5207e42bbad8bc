using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Declarative.Auth;

/// <summary>
/// Every place we rely on ASP.NET Core behaviour that is not public API, in one file with its own tests
/// (tests/Runtime.Tests/Pipeline/AspNetCoreInternalsTests.cs), so an upgrade that changes one breaks a test named for
/// it instead of a request path.
/// <list type="bullet">
/// <item>The <c>IApplicationBuilder.Properties</c> keys UseRouting/UseAuthentication/UseAuthorization set, which
/// WebApplication reads to decide which of them to add by itself (ahead of the app's own middleware).</item>
/// <item>The display name of the endpoint routing picks for a known route with a wrong method (it answers 405).</item>
/// <item>The metadata AuthorizationMiddleware acts on (EndpointMiddleware refuses an endpoint carrying it if that
/// middleware did not run).</item>
/// <item>WebApplication being its own route builder, whose data sources are readable before start.</item>
/// </list>
/// </summary>
internal static class AspNetCoreInternals
{
    internal const string RoutingMarker = "__EndpointRouteBuilder";
    internal const string GlobalRoutesMarker = "__GlobalEndpointRouteBuilder";
    internal const string AuthorizationMarker = "__AuthorizationMiddlewareSet";
    internal const string AuthenticationMarker = "__AuthenticationMiddlewareSet";

    // Microsoft.AspNetCore.Routing.Matching.HttpMethodMatcherPolicy.Http405EndpointDisplayName
    internal const string MethodNotAllowedDisplayName = "405 HTTP Method Not Supported";

    /// <summary>True when the app has called UseRouting() on this builder.</summary>
    public static bool HasRouting(IApplicationBuilder app) => app.Properties.ContainsKey(RoutingMarker);

    /// <summary>True for WebApplication's builder, which adds UseRouting() ahead of everything when the app does not call it.</summary>
    public static bool RoutesImplicitly(IApplicationBuilder app) => app is IEndpointRouteBuilder || app.Properties.ContainsKey(GlobalRoutesMarker);

    public static bool HasAuthorization(IApplicationBuilder app) => app.Properties.ContainsKey(AuthorizationMarker);

    public static bool HasAuthentication(IApplicationBuilder app) => app.Properties.ContainsKey(AuthenticationMarker);

    /// <summary>Tells WebApplication not to add UseAuthentication() by itself (as if the app had placed it).</summary>
    public static void SuppressImplicitAuthentication(IApplicationBuilder app) => app.Properties[AuthenticationMarker] = true;

    /// <summary>
    /// Tells WebApplication not to add UseAuthorization() by itself, with a value of our own: UseAuthorization()
    /// overwrites it with <c>true</c>, so <see cref="AppAddedAuthorizationSince"/> can tell later whether the app placed one.
    /// </summary>
    public static object ClaimAuthorization(IApplicationBuilder app)
    {
        var claim = new object();
        app.Properties[AuthorizationMarker] = claim;
        return claim;
    }

    public static bool AppAddedAuthorizationSince(IApplicationBuilder app, object claim)
        => app.Properties.TryGetValue(AuthorizationMarker, out var value) && !ReferenceEquals(value, claim);

    /// <summary>The endpoint routing picks for a known route with a wrong method: it answers 405 with Allow.</summary>
    public static bool IsMethodNotAllowed(Endpoint endpoint)
        => endpoint is not RouteEndpoint && endpoint.DisplayName == MethodNotAllowedDisplayName;

    /// <summary>Metadata AuthorizationMiddleware must see, or EndpointMiddleware refuses the endpoint with an exception.</summary>
    public static bool NeedsAuthorization(HttpContext context)
        => context.GetEndpoint()?.Metadata is { } metadata
           && (metadata.GetMetadata<IAuthorizeData>() is not null
               || metadata.GetMetadata<AuthorizationPolicy>() is not null
               || metadata.GetMetadata<IAuthorizationRequirementData>() is not null);

    /// <summary>The route builder whose data sources routing will read: the app's UseRouting() one, or WebApplication itself.</summary>
    public static IEndpointRouteBuilder? Routes(IApplicationBuilder app)
        => app.Properties.TryGetValue(RoutingMarker, out var local) && local is IEndpointRouteBuilder routes ? routes
            : app as IEndpointRouteBuilder
              ?? (app.Properties.TryGetValue(GlobalRoutesMarker, out var global) ? global as IEndpointRouteBuilder : null);
}
