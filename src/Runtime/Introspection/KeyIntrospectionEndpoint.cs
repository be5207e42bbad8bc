using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary><c>GET /me</c>: what the calling key is and may do. Never its secret or hash.</summary>
public static class KeyIntrospectionEndpoint
{
    /// <summary>Maps the introspection endpoint at <paramref name="path"/>; any valid key may call it.</summary>
    public static IEndpointConventionBuilder MapKeyIntrospection(this IEndpointRouteBuilder endpoints, string path = "/me")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(path, (RequestDelegate)WriteAsync).RequireAnyKey().WithName("DeclarativeAuth.Me");
    }

    /// <summary>The facts <c>/me</c> reports, for apps that shape their own response.</summary>
    public static KeyIntrospection Describe(HttpContext context)
    {
        var key = context.Features.Get<IApiKeyFeature>()?.Key
            ?? throw new InvalidOperationException("No verified key on this request: the endpoint must require a key.");
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var state = context.RequestServices.GetRequiredService<DeclarativeAuthState>();
        return new KeyIntrospection(
            key.Id, key.Name, key.Permissions, context.GetWorkspace() ?? key.Workspace, key.Environment, key.Kind,
            key.SourceConnection, key.CreatedAt, key.ExpiresAt, key.LastUsedAt, key.StatusAt(now), state.EndpointsFor(key));
    }

    private static Task WriteAsync(HttpContext context)
        => context.Response.WriteAsJsonAsync(Describe(context), ManagementJsonContext.Default.KeyIntrospection, cancellationToken: context.RequestAborted);
}
