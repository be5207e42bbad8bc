using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth;

/// <summary>Declarations for route groups and endpoint builders.</summary>
public static class DeclarativeAuthEndpointConventionExtensions
{
    /// <summary>
    /// Requires an API key holding <paramref name="type"/> on <paramref name="scope"/> for every endpoint
    /// of this builder (a route group, <c>MapControllers()</c>, or one endpoint). A handler's or action's own
    /// <see cref="RequiresKeyAttribute"/> replaces it.
    /// </summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder builder, KeyType type, string? scope = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var attribute = new RequiresKeyAttribute(type) { Scope = scope };
        // Validate now so a bad scope fails at start-up, not on the first request.
        _ = PermissionName.Format(type, scope);
        builder.Add(endpoint => endpoint.Metadata.Add(attribute));
        return builder;
    }
}
