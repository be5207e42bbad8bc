using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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

    /// <summary>
    /// Also lets callers the app's own authorization accepts through (its logins), with its default policy or
    /// <paramref name="policy"/>: "a key holding this, or a signed-in user". See <see cref="OrAuthorizationAttribute"/>.
    /// </summary>
    public static TBuilder OrAuthorization<TBuilder>(this TBuilder builder, string? policy = null)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new OrAuthorizationAttribute { Policy = policy });

    /// <summary>
    /// Requires an API key holding <paramref name="type"/> on <paramref name="scope"/> only for the endpoints of this
    /// builder that declare nothing themselves: for a library's endpoints (<c>MapIdentityApi&lt;T&gt;()</c>) whose
    /// own <c>[Authorize]</c> must stay as it is.
    /// </summary>
    public static TBuilder RequireKeyWhereUndeclared<TBuilder>(this TBuilder builder, KeyType type, string? scope = null)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new WhereUndeclaredMetadata(new(Rules.DeclarationItemKind.KeyWhereUndeclared, PermissionName.Format(type, scope))));

    /// <summary>
    /// Makes public only the endpoints of this builder that declare nothing themselves, e.g.
    /// <c>app.MapIdentityApi&lt;User&gt;().AllowAnonymousWhereUndeclared()</c> opens register/login but keeps
    /// <c>/manage/*</c> behind Identity's own <c>[Authorize]</c> (a plain <c>AllowAnonymous()</c> would open them).
    /// </summary>
    public static TBuilder AllowAnonymousWhereUndeclared<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new WhereUndeclaredMetadata(new(Rules.DeclarationItemKind.AllowAnonymousWhereUndeclared)));

    /// <summary>Requires any valid API key, whatever it holds.</summary>
    public static TBuilder RequireAnyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiresAnyKeyAttribute());

    /// <summary>Makes the endpoints workspace-scoped (see <see cref="RequiresWorkspaceAttribute"/>).</summary>
    public static TBuilder RequireWorkspace<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiresWorkspaceAttribute());

    /// <summary>Accepts only the organizations key (see <see cref="RequiresOrganizationsKeyAttribute"/>).</summary>
    public static TBuilder RequireOrganizationsKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiresOrganizationsKeyAttribute());

    /// <summary>Marks event-ingestion endpoints (see <see cref="EventIngestionAttribute"/>).</summary>
    public static TBuilder AcceptEventWriteKeys<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new EventIngestionAttribute());

    /// <summary>Sets this endpoint's per-key rate limit (requests per minute).</summary>
    public static TBuilder WithKeyRateLimit<TBuilder>(this TBuilder builder, int requestsPerMinute) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new KeyRateLimitAttribute(requestsPerMinute));

    /// <summary>
    /// Adds a named limit to these endpoints, counted per key and per endpoint on top of the key's own limits (see
    /// <see cref="KeyRateLimitWindowAttribute"/>), e.g. <c>.WithKeyRateLimitWindow("exports-hour", 10, TimeSpan.FromHours(1))</c>.
    /// Call it once per limit. Checked when the app starts, naming the endpoint.
    /// </summary>
    public static TBuilder WithKeyRateLimitWindow<TBuilder>(this TBuilder builder, string name, int limit, TimeSpan window) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new KeyRateLimitWindowAttribute(name, limit, window.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>What one request to these endpoints spends from each limit that applies (see <see cref="KeyRateLimitCostAttribute"/>).</summary>
    public static TBuilder WithKeyRateLimitCost<TBuilder>(this TBuilder builder, int cost) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new KeyRateLimitCostAttribute(cost));
}
