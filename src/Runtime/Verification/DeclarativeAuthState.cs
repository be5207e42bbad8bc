using Declarative.Auth.Tables;
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
    private bool _started;

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

    private EndpointPolicy Compile(Endpoint endpoint, PermissionCatalog catalog)
    {
        EndpointPolicy policy;
        try
        {
            policy = EndpointPolicyBuilder.Build(endpoint, catalog, options.Value.RateLimits);
        }
        catch (InvalidOperationException ex) when (Volatile.Read(ref _started))
        {
            // At start-up the error stops the app. Endpoints that change later (their source's change token) have no
            // start to stop: the endpoint is denied, never served unchecked nor answered with a 500, and the log says why.
            LogMisdeclared(logger, ex.Message);
            return EndpointPolicy.Misdeclared;
        }
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
        => [.. KeyReach.Reached(LiveTable(), key.Permissions, key.Kind == ApiKeyKind.EventWrite ? KeyReach.EventWriteKey : KeyReach.ApiKey)
            .Select(r => r.Name).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// The live endpoints as rows of the permission table, with the key kinds the verifier
    /// accepts there (<see cref="EndpointPolicy.Refuses"/>): what least-privilege keys and a key's reach are
    /// computed from at run time, by the same rule the CLI applies to permissions.json.
    /// </summary>
    internal IReadOnlyList<AccessRow> LiveTable()
    {
        var rows = new List<AccessRow>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            var policy = PolicyFor(endpoint);
            string[] kinds = policy.Access switch
            {
                EndpointAccess.Key when !policy.EventIngestion => [KeyReach.ApiKey],
                EndpointAccess.Key when policy.Permissions.Length == 0 => [KeyReach.EventWriteKey],
                EndpointAccess.Key => [KeyReach.ApiKey, KeyReach.EventWriteKey],
                EndpointAccess.OrganizationsKey => ["organizationsKey"],
                _ => [],
            };
            var access = policy.Access switch
            {
                EndpointAccess.Key => policy.OrAuthorization ? "keyOrAuthorization" : "key",
                EndpointAccess.OrganizationsKey => "key",
                EndpointAccess.Public => "public",
                EndpointAccess.Authorize => "authorize",
                _ => "undeclared",
            };
            var (methods, route) = EndpointDescription.Of(endpoint);
            foreach (var method in methods.Split(','))
            {
                rows.Add(new AccessRow(method == "*" ? "ANY" : method, route, access,
                    policy.Permissions, kinds, policy.RequiresWorkspace, false, policy.EventIngestion,
                    policy.OrAuthorization ? policy.AuthorizationPolicy ?? "default" : null));
            }
        }
        return rows;
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
            Volatile.Write(ref _started, true);
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

        CompareWithTable(entries, all, policies);

        foreach (var endpoint in all.Where(e => policies[e].Access == EndpointAccess.Undeclared && !ReferenceEquals(policies[e], EndpointPolicy.Misdeclared)))
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

    /// <summary>
    /// The generated table is the build's promise: each live endpoint whose row it finds (one row, by methods and
    /// route) must compile to the same policy. A difference means the build and the runtime read the declarations
    /// differently (a bug of ours, or metadata added at run time): the endpoint's metadata is what is enforced.
    /// </summary>
    private void CompareWithTable(EndpointEntry[] entries, IReadOnlyList<Endpoint> all, ConcurrentDictionary<Endpoint, EndpointPolicy> policies)
    {
        var rows = entries.Where(e => e.Route is not null).ToLookup(EndpointDescription.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in all)
        {
            var (methods, route) = EndpointDescription.Of(endpoint);
            var matches = rows[methods + " " + EndpointDescription.Normalize(route)].Distinct().Take(2).ToArray();
            if (matches.Length != 1)
                continue; // no row, or several apps' rows for one route: nothing certain to compare with
            var entry = matches[0];
            var policy = policies[endpoint];
            var generated = Describe(entry.Access, entry.Permissions, entry.OrAuthorization);
            var enforced = Describe(policy.Access, policy.Permissions, policy.OrAuthorization);
            if (generated != enforced)
                LogTableDiffers(logger, methods, route, $"{entry.SourceFile}:{entry.Line}", generated, enforced);
        }
    }

    private static string Describe(EndpointAccess access, IReadOnlyList<string> permissions, bool orAuthorization) => access switch
    {
        EndpointAccess.Key => "key " + (permissions.Count == 0 ? "(any)" : string.Join(" + ", permissions.Order(StringComparer.Ordinal)))
            + (orAuthorization ? " or authorization" : ""),
        _ => access.ToString(),
    };

    [LoggerMessage(6, LogLevel.Warning, "Endpoint {Methods} {Route}: the build's table ({Source}) says {Generated}, but its metadata compiles to {Enforced}, which is what is enforced. Rebuild; if it persists, metadata was added at run time or the build misread a declaration.")]
    private static partial void LogTableDiffers(ILogger logger, string methods, string route, string source, string generated, string enforced);

    [LoggerMessage(7, LogLevel.Error, "{Problem} The endpoints changed after start-up, so this endpoint is denied (403) until its declaration is fixed.")]
    private static partial void LogMisdeclared(ILogger logger, string problem);

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

    /// <summary>"METHODS /route" of a row, as <see cref="Of"/> names a live endpoint.</summary>
    public static string Key(EndpointEntry entry)
        => (entry.HttpMethods.Count == 0 ? "*" : string.Join(",", entry.HttpMethods.Order(StringComparer.Ordinal))) + " " + Normalize(entry.Route);

    public static string Normalize(string? route)
    {
        var trimmed = (route ?? "").Trim('/');
        return "/" + trimmed;
    }
}
