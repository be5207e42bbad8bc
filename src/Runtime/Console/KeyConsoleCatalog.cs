using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// <c>GET {managementPrefix}/catalog</c>: what the console offers when creating a key (every permission of the app's
/// catalog, grouped by scope, with the scope descriptions of <see cref="PermissionScopeAttribute"/>) and the app's
/// route → permission table. Admin-only, like every management endpoint.
/// </summary>
internal static class KeyConsoleCatalog
{
    public static Task WriteAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions>>().Value;
        var view = Build(
            services.GetRequiredService<DeclarativeAuthState>(),
            services.GetRequiredService<EndpointDataSource>(),
            services.GetRequiredService<ApiKeyFormat>()) with
        {
            AppName = services.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.ApplicationName,
            // The key the operator is connected with: the page warns before revoking or rotating it.
            ConnectedKeyId = context.Features.Get<IApiKeyFeature>()?.Key.Id,
            WorkspaceRequired = options.Workspace.RequiredForKeys,
            DefaultPermissions = [.. options.DefaultKeyPermissions],
        };
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(view, KeyConsoleJsonContext.Default.KeyCatalogView, cancellationToken: context.RequestAborted);
    }

    internal static KeyCatalogView Build(DeclarativeAuthState state, EndpointDataSource dataSource, ApiKeyFormat format)
    {
        var catalog = state.Catalog;
        var manifests = AuthManifestRegistry.Manifests;
        var descriptions = ScopeDescriptions(manifests);

        var scopes = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var name in catalog.Names)
        {
            if (PermissionName.TryParse(name, out _, out var scope) && scope is not null)
            {
                if (!scopes.TryGetValue(scope, out var set))
                    scopes[scope] = set = new SortedSet<string>(Comparer<string>.Create(ByAction));
                set.Add(name);
            }
        }
        // A scope declared with [assembly: PermissionScope] but used by no endpoint yet is still offered.
        foreach (var declared in descriptions.Keys.Where(s => !scopes.ContainsKey(s)))
            scopes[declared] = new SortedSet<string>(Comparer<string>.Create(ByAction)) { "read:" + declared, "write:" + declared };

        IReadOnlyList<CatalogScope> scopeViews = [.. scopes.Select(s => new CatalogScope(
            s.Key,
            descriptions.GetValueOrDefault(s.Key),
            [.. s.Value.Select(p => new CatalogPermission(p, Describe(p)))]))];

        return new KeyCatalogView(
            ApiKeyFormat.EnvironmentName(format.Environment),
            $"{format.Prefix}_{ApiKeyFormat.EnvironmentName(format.Environment)}_",
            new CatalogPermission(PermissionName.Admin, Describe(PermissionName.Admin)),
            scopeViews,
            Endpoints(state, dataSource, manifests))
        {
            // Event write keys are offered only when some live endpoint accepts them.
            AcceptsEventWriteKeys = dataSource.Endpoints.Any(e => e.Metadata.GetMetadata<IEventIngestionMetadata>() is not null),
        };
    }

    private static int ByAction(string a, string b)
    {
        static int Rank(string p) => p.StartsWith("read:", StringComparison.Ordinal) ? 0 : p.StartsWith("write:", StringComparison.Ordinal) ? 1 : 2;
        var byRank = Rank(a).CompareTo(Rank(b));
        return byRank != 0 ? byRank : string.CompareOrdinal(a, b);
    }

    internal static string Describe(string permission)
    {
        if (permission == PermissionName.Admin)
            return "Everything, including managing keys.";
        if (!PermissionName.TryParse(permission, out var type, out var scope))
            return permission;
        return type switch
        {
            KeyType.Read => $"Read {scope}.",
            KeyType.Write => $"Create and change {scope}; includes read:{scope}.",
            KeyType.Delete => $"Delete {scope}.",
            _ => permission,
        };
    }

    /// <summary>The <see cref="PermissionScopeAttribute"/> descriptions of the assemblies the generator ran on.</summary>
    private static Dictionary<string, string> ScopeDescriptions(IReadOnlyList<AuthManifest> manifests)
    {
        var names = manifests.Select(m => m.AssemblyName).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || assembly.GetName().Name is not { } name || !names.Contains(name))
                continue;
            foreach (var scope in assembly.GetCustomAttributes<PermissionScopeAttribute>())
                result.TryAdd(scope.Scope, scope.Description);
        }
        return result;
    }

    /// <summary>
    /// Every live endpoint with the policy the verifier enforces (the requirement text comes from it, not from a
    /// second reading), its handler and source line from the generated row when one matches; then the table's rows
    /// no live endpoint answers (routes computed at run time).
    /// </summary>
    private static IReadOnlyList<CatalogEndpoint> Endpoints(DeclarativeAuthState state, EndpointDataSource dataSource, IReadOnlyList<AuthManifest> manifests)
    {
        var entries = manifests.SelectMany(m => m.Endpoints).ToArray();
        var matched = new HashSet<EndpointEntry>(ReferenceEqualityComparer.Instance);
        var rows = new List<CatalogEndpoint>();
        foreach (var endpoint in dataSource.Endpoints)
        {
            if (endpoint is not RouteEndpoint)
                continue;
            var (methods, route) = EndpointDescription.Of(endpoint);
            var entry = entries.FirstOrDefault(x => EndpointDescription.Matches(x, methods, route));
            if (entry is not null)
                matched.Add(entry);
            var policy = state.PolicyFor(endpoint);
            rows.Add(new CatalogEndpoint(
                methods.Split(','),
                route,
                policy.Access.ToString(),
                policy.Permissions,
                entry?.Handler ?? endpoint.DisplayName,
                entry is null ? null : $"{entry.SourceFile}:{entry.Line}"));
        }
        foreach (var e in entries.Where(e => !matched.Contains(e)))
        {
            rows.Add(new CatalogEndpoint(
                e.HttpMethods.Count == 0 ? ["*"] : e.HttpMethods,
                e.Route ?? "(computed at run time)",
                e.Access.ToString(),
                e.Permissions,
                e.Handler,
                $"{e.SourceFile}:{e.Line}"));
        }
        return [.. rows
            .DistinctBy(r => (string.Join(",", r.Methods), r.Route))
            .OrderBy(r => r.Route, StringComparer.Ordinal)
            .ThenBy(r => string.Join(",", r.Methods), StringComparer.Ordinal)];
    }
}

/// <summary>The catalog the console reads.</summary>
internal sealed record KeyCatalogView(
    string Environment,
    string KeyPrefix,
    CatalogPermission Admin,
    IReadOnlyList<CatalogScope> Scopes,
    IReadOnlyList<CatalogEndpoint> Endpoints)
{
    /// <summary>The app's name (its <c>IHostEnvironment.ApplicationName</c>), shown in the page's header.</summary>
    public string? AppName { get; init; }

    /// <summary>The id of the key the page is connected with.</summary>
    public string? ConnectedKeyId { get; init; }

    /// <summary>Whether any endpoint accepts event write keys (<see cref="EventIngestionAttribute"/>).</summary>
    public bool AcceptsEventWriteKeys { get; init; }

    /// <summary>Whether every key must be restricted to a workspace (<see cref="WorkspaceOptions.RequiredForKeys"/>).</summary>
    public bool WorkspaceRequired { get; init; }

    /// <summary>What a key created with no permission gets (<see cref="DeclarativeAuthOptions.DefaultKeyPermissions"/>).</summary>
    public IReadOnlyList<string> DefaultPermissions { get; init; } = [];
}

/// <summary>One scope: its description (from <see cref="PermissionScopeAttribute"/>, null if none) and permissions.</summary>
internal sealed record CatalogScope(string Scope, string? Description, IReadOnlyList<CatalogPermission> Permissions);

/// <summary>One permission and what it allows.</summary>
internal sealed record CatalogPermission(string Name, string Description);

/// <summary>One row of the route → permission table.</summary>
internal sealed record CatalogEndpoint(
    IReadOnlyList<string> Methods,
    string Route,
    string Access,
    IReadOnlyList<string> Permissions,
    string? Handler,
    string? Source);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(KeyCatalogView))]
internal sealed partial class KeyConsoleJsonContext : JsonSerializerContext;
