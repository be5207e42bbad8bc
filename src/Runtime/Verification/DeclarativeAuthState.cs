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
    OrganizationsKey organizationsKey,
    ILogger<DeclarativeAuthState> logger)
{
    private ConcurrentDictionary<Endpoint, EndpointPolicy> _policies = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private PermissionCatalog? _catalog;
    private Microsoft.AspNetCore.Routing.IEndpointRouteBuilder? _routes;
    private IDisposable? _watch;
    private Microsoft.AspNetCore.Routing.Template.TemplateMatcher[] _disabledOrganizations = [];

    /// <summary>The app's route builder, when UseDeclarativeAuth() saw one: its sources are shared before start.</summary>
    public void UseRoutes(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes) => _routes = routes;

    /// <summary>Before the pipeline is built: routing and this state read one build of each endpoint.</summary>
    public void ShareEndpointBuilds()
    {
        if (_routes is { } routes)
            BuiltOnceEndpointDataSource.WrapStaticSources(routes);
    }

    /// <summary>Policies compiled so far; for tests of the cache following the endpoints.</summary>
    internal int CachedPolicyCount => Volatile.Read(ref _policies).Count;

    public bool AllowUndeclared => options.Value.UndeclaredEndpoints == UndeclaredEndpointBehavior.Allow;

    public PermissionCatalog Catalog => Volatile.Read(ref _catalog) ?? Initialize();

    public EndpointPolicy PolicyFor(Endpoint endpoint)
    {
        var policies = Volatile.Read(ref _policies);
        return policies.TryGetValue(endpoint, out var policy) ? policy : policies.GetOrAdd(endpoint, e => Compile(e, Catalog));
    }

    private static EndpointPolicy Compile(Endpoint endpoint, PermissionCatalog catalog)
    {
        var policy = EndpointPolicyBuilder.Build(endpoint, catalog);
        if (policy.Access == EndpointAccess.Key)
            policy.Catalog = catalog;
        return policy;
    }

    /// <summary>
    /// When organizations endpoints are disabled: true for a path one of them would match, so a wrong method on it
    /// answers 404 like the right one (a 405 would reveal that the route exists).
    /// </summary>
    public bool IsDisabledOrganizationsPath(PathString path)
    {
        var matchers = Volatile.Read(ref _disabledOrganizations);
        if (matchers.Length == 0)
            return false;
        foreach (var matcher in matchers)
        {
            if (matcher.TryMatch(path, new Microsoft.AspNetCore.Routing.RouteValueDictionary()))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The endpoints changed (the data source's change token fired, as MVC's does when actions change): drop every
    /// compiled policy and the catalog, as ASP.NET Core's AuthorizationPolicyCache does; the next request builds
    /// them again from the new endpoints.
    /// </summary>
    private void EndpointsChanged()
    {
        lock (_gate)
        {
            Volatile.Write(ref _policies, new ConcurrentDictionary<Endpoint, EndpointPolicy>(ReferenceEqualityComparer.Instance));
            Volatile.Write(ref _catalog, null);
        }
    }

    /// <summary>
    /// "METHOD /route" of every endpoint of this app that <paramref name="key"/> may call, from the live
    /// endpoints (an assembly's generated table may hold other apps' routes, and organizations endpoints
    /// take no API key).
    /// </summary>
    public IReadOnlyList<string> EndpointsFor(ApiKey key)
        => [.. endpoints.Endpoints
            .Select(e => (Endpoint: e, Policy: PolicyFor(e)))
            .Where(x => x.Policy.Access == EndpointAccess.Key && Accepts(x.Policy, key))
            .Select(x => { var (m, r) = EndpointDescription.Of(x.Endpoint); return $"{m} {r}"; })
            .Distinct()
            .Order(StringComparer.Ordinal)];

    private static bool Accepts(EndpointPolicy policy, ApiKey key)
    {
        if (key.Kind == ApiKeyKind.EventWrite)
            return policy.EventIngestion;
        if (policy.EventIngestion && policy.Permissions.Length == 0)
            return key.Permissions.Contains(PermissionName.Admin);
        return policy.Permissions.All(key.Grants);
    }

    /// <summary>
    /// The permissions this app's endpoints use, for validating new keys. Read from the live endpoints
    /// without freezing the state, so creating keys before the app starts (seeding) cannot lock in an
    /// empty endpoint set; before start-up it falls back to the generated manifests.
    /// </summary>
    public IReadOnlyCollection<string> KnownPermissions()
    {
        var live = endpoints.Endpoints;
        var permissions = live.Count > 0
            ? live.SelectMany(EndpointPolicyBuilder.PermissionsOf)
            : AuthManifestRegistry.Manifests.SelectMany(m => m.Permissions);
        return [.. permissions.Append(PermissionName.Admin).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// How long the last <see cref="Initialize"/> spent reading the endpoints (ASP.NET Core builds them then,
    /// unless routing already has) and on its own work: catalog, policies, report. For the start-up benchmark.
    /// </summary>
    internal (TimeSpan ReadEndpoints, TimeSpan Own) InitializeTimes { get; private set; }

    public PermissionCatalog Initialize()
    {
        lock (_gate)
        {
            if (_catalog is { } existing)
                return existing;

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var manifests = AuthManifestRegistry.Manifests;
            var all = endpoints.Endpoints;
            var read = System.Diagnostics.Stopwatch.GetTimestamp();
            var catalog = new PermissionCatalog(
                manifests.SelectMany(m => m.Permissions)
                    .Concat(all.SelectMany(EndpointPolicyBuilder.PermissionsOf).Order(StringComparer.Ordinal)));
            var policies = Volatile.Read(ref _policies);
            foreach (var endpoint in all)
                policies[endpoint] = Compile(endpoint, catalog);
            Volatile.Write(ref _catalog, catalog);
            _watch ??= Microsoft.Extensions.Primitives.ChangeToken.OnChange(endpoints.GetChangeToken, EndpointsChanged);
            Volatile.Write(ref _disabledOrganizations, organizationsKey.IsEnabled ? [] : [.. all
                .Where(e => e is RouteEndpoint && policies[e].Access == EndpointAccess.OrganizationsKey)
                .Select(e => ((RouteEndpoint)e).RoutePattern)
                .Select(p => new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(new Microsoft.AspNetCore.Routing.Template.RouteTemplate(p), new Microsoft.AspNetCore.Routing.RouteValueDictionary(p.Defaults)))]);
            Report(manifests, all);
            InitializeTimes = (System.Diagnostics.Stopwatch.GetElapsedTime(started, read), System.Diagnostics.Stopwatch.GetElapsedTime(read));
            return catalog;
        }
    }

    private void Report(IReadOnlyList<AuthManifest> manifests, IReadOnlyList<Endpoint> all)
    {
        if (manifests.Count == 0)
            LogNoManifest(logger);

        var entries = manifests.SelectMany(m => m.Endpoints).ToArray();
        var policies = Volatile.Read(ref _policies);
        var counts = all.GroupBy(e => policies[e].Access).ToDictionary(g => g.Key, g => g.Count());
        LogSummary(logger, all.Count, counts.GetValueOrDefault(EndpointAccess.Key), counts.GetValueOrDefault(EndpointAccess.OrganizationsKey), counts.GetValueOrDefault(EndpointAccess.Public),
            counts.GetValueOrDefault(EndpointAccess.Authorize), counts.GetValueOrDefault(EndpointAccess.Undeclared), catalog: Volatile.Read(ref _catalog)!.Count);

        var organizations = all.Where(e => policies[e].Access == EndpointAccess.OrganizationsKey).ToArray();
        if (organizations.Length > 0 && !organizationsKey.IsEnabled)
        {
            LogOrganizationsDisabled(logger, organizations.Length, organizationsKey.Variable ?? "(DeclarativeAuth:OrganizationsKey:EnvironmentVariable is not set)");
        }

        foreach (var endpoint in all.Where(e => policies[e].Access == EndpointAccess.Undeclared))
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

    [LoggerMessage(2, LogLevel.Information, "Declarative.Auth: {Total} endpoints: {Key} need a key, {Organizations} the organizations key, {Public} public, {Authorize} left to [Authorize], {Undeclared} undeclared; {Catalog} permissions in the catalog.")]
    private static partial void LogSummary(ILogger logger, int total, int key, int organizations, int @public, int authorize, int undeclared, int catalog);

    [LoggerMessage(5, LogLevel.Warning, "{Count} organizations endpoints are disabled (they answer 404): the environment variable {Variable} is not set.")]
    private static partial void LogOrganizationsDisabled(ILogger logger, int count, string variable);

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
