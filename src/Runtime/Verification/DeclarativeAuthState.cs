using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The permission catalog and every endpoint's compiled policy. Built once when the app starts (from the
/// generated manifests and the endpoint metadata), then only read.
/// </summary>
internal sealed partial class DeclarativeAuthState(
    EndpointDataSource endpoints,
    IOptions<DeclarativeAuthOptions> options,
    ILogger<DeclarativeAuthState> logger)
{
    private readonly ConcurrentDictionary<Endpoint, EndpointPolicy> _policies = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private PermissionCatalog? _catalog;

    public bool AllowUndeclared => options.Value.UndeclaredEndpoints == UndeclaredEndpointBehavior.Allow;

    public PermissionCatalog Catalog => Volatile.Read(ref _catalog) ?? Initialize();

    public EndpointPolicy PolicyFor(Endpoint endpoint)
        => _policies.TryGetValue(endpoint, out var policy) ? policy : _policies.GetOrAdd(endpoint, e => EndpointPolicyBuilder.Build(e, Catalog));

    /// <summary>
    /// "METHOD /route" of every key endpoint <paramref name="key"/> may call, from the generated table when the
    /// build wrote one, else from the live endpoints.
    /// </summary>
    public IReadOnlyList<string> EndpointsFor(ApiKey key)
    {
        var manifests = AuthManifestRegistry.Manifests;
        IEnumerable<(string Methods, string Route, IReadOnlyList<string> Permissions)> rows = manifests.Count > 0
            ? manifests.SelectMany(m => m.Endpoints)
                .Where(e => e.Access == EndpointAccess.Key && e.Route is not null)
                .Select(e => (e.HttpMethods.Count == 0 ? "*" : string.Join(",", e.HttpMethods), e.Route!, e.Permissions))
            : endpoints.Endpoints
                .Where(e => PolicyFor(e).Access == EndpointAccess.Key)
                .Select(e => { var (m, r) = EndpointDescription.Of(e); return (m, r, (IReadOnlyList<string>)PolicyFor(e).Permissions); });
        return [.. rows.Where(r => r.Permissions.All(key.Grants)).Select(r => $"{r.Methods} {r.Route}").Distinct().Order(StringComparer.Ordinal)];
    }

    public PermissionCatalog Initialize()
    {
        lock (_gate)
        {
            if (_catalog is { } existing)
                return existing;

            var manifests = AuthManifestRegistry.Manifests;
            var all = endpoints.Endpoints;
            var catalog = new PermissionCatalog(
                manifests.SelectMany(m => m.Permissions)
                    .Concat(all.SelectMany(EndpointPolicyBuilder.PermissionsOf).Order(StringComparer.Ordinal)));
            foreach (var endpoint in all)
                _policies[endpoint] = EndpointPolicyBuilder.Build(endpoint, catalog);
            Volatile.Write(ref _catalog, catalog);
            Report(manifests, all);
            return catalog;
        }
    }

    private void Report(IReadOnlyList<AuthManifest> manifests, IReadOnlyList<Endpoint> all)
    {
        if (manifests.Count == 0)
            LogNoManifest(logger);

        var entries = manifests.SelectMany(m => m.Endpoints).ToArray();
        var counts = all.GroupBy(e => _policies[e].Access).ToDictionary(g => g.Key, g => g.Count());
        LogSummary(logger, all.Count, counts.GetValueOrDefault(EndpointAccess.Key), counts.GetValueOrDefault(EndpointAccess.Public),
            counts.GetValueOrDefault(EndpointAccess.Authorize), counts.GetValueOrDefault(EndpointAccess.Undeclared), catalog: Volatile.Read(ref _catalog)!.Count);

        foreach (var endpoint in all.Where(e => _policies[e].Access == EndpointAccess.Undeclared))
        {
            var (methods, route) = EndpointDescription.Of(endpoint);
            var source = entries.FirstOrDefault(x => EndpointDescription.Matches(x, methods, route)) is { } entry
                ? $"{entry.SourceFile}:{entry.Line}"
                : "source unknown";
            if (AllowUndeclared)
                LogUndeclaredAllowed(logger, methods, route, source);
            else
                LogUndeclaredDenied(logger, methods, route, source);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "No Declarative.Auth manifest is registered: the source generator did not run for this app. Endpoints are still enforced from their metadata, but the build checked nothing. Reference the Declarative.Auth package (it brings the generator and analyzers).")]
    private static partial void LogNoManifest(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Declarative.Auth: {Total} endpoints: {Key} need a key, {Public} public, {Authorize} left to [Authorize], {Undeclared} undeclared; {Catalog} permissions in the catalog.")]
    private static partial void LogSummary(ILogger logger, int total, int key, int @public, int authorize, int undeclared, int catalog);

    [LoggerMessage(3, LogLevel.Warning, "Undeclared endpoint {Methods} {Route} ({Source}) is denied with 403. Add [RequiresKey(...)] or [AllowAnonymous] to it.")]
    private static partial void LogUndeclaredDenied(ILogger logger, string methods, string route, string source);

    [LoggerMessage(4, LogLevel.Warning, "Undeclared endpoint {Methods} {Route} ({Source}) is allowed without a key because UndeclaredEndpoints is Allow.")]
    private static partial void LogUndeclaredAllowed(ILogger logger, string methods, string route, string source);
}

/// <summary>How endpoints are named in logs and matched to the generated table.</summary>
internal static class EndpointDescription
{
    public static (string Methods, string Route) Of(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m
            ? string.Join(",", m.Order(StringComparer.Ordinal))
            : "*";
        var route = endpoint is RouteEndpoint r ? Normalize(r.RoutePattern.RawText) : endpoint.DisplayName ?? "(unnamed)";
        return (methods, route);
    }

    public static bool Matches(EndpointEntry entry, string methods, string route)
        => entry.Route is not null
           && string.Equals(Normalize(entry.Route), route, StringComparison.OrdinalIgnoreCase)
           && string.Equals(entry.HttpMethods.Count == 0 ? "*" : string.Join(",", entry.HttpMethods.Order(StringComparer.Ordinal)), methods, StringComparison.Ordinal);

    private static string Normalize(string? route)
    {
        var trimmed = (route ?? "").Trim('/');
        return "/" + trimmed;
    }
}
