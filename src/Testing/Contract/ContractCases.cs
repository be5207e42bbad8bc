using System.Reflection;
using System.Runtime.CompilerServices;

namespace Declarative.Auth.Testing;

/// <summary>
/// Every endpoint of an assembly's generated table × the callers its declaration tells apart. Built from the table
/// alone (no host), so a test runner lists the rows and a new endpoint gets its rows on the next build.
/// </summary>
internal static class ContractCases
{
    /// <summary>The workspace every contract request names; <see cref="OtherWorkspace"/> is the restricted key's.</summary>
    public const string Workspace = "ws_contract";
    public const string OtherWorkspace = "ws_other";
    public const string SourceConnection = "src_contract";

    public static AuthManifest ManifestOf(Assembly assembly)
    {
        // The generated module initializer registers the table when the module is first touched.
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        var name = assembly.GetName().Name;
        return AuthManifestRegistry.Manifests.FirstOrDefault(m => m.AssemblyName == name)
            ?? throw new InvalidOperationException(
                $"{name} has no generated route table: it must reference Declarative.Auth (whose source generator writes the table).");
    }

    public static IEnumerable<AuthCase> For(AuthManifest manifest, Func<EndpointEntry, bool>? where)
    {
        foreach (var entry in manifest.Endpoints)
        {
            // A route the build could not read has nothing to send a request to; it is reported by DAUTH diagnostics instead.
            if (entry.Route is null || (where is not null && !where(entry)))
                continue;
            var methods = entry.HttpMethods.Count == 0 ? ["GET"] : entry.HttpMethods;
            foreach (var method in methods)
            {
                foreach (var @case in For(entry, method, manifest.Permissions))
                    yield return @case;
            }
        }
    }

    private static IEnumerable<AuthCase> For(EndpointEntry entry, string method, IReadOnlyList<string> catalog)
    {
        yield return new(entry, method, CaseKind.NoKey, key: null);
        if (entry.Access == EndpointAccess.Authorize)
            yield return new(entry, method, CaseKind.EventWrite, EventWriteKey());
        if (entry.Access != EndpointAccess.Key)
            yield break;

        if (entry.EventIngestion && entry.Permissions.Count == 0)
        {
            // Only event write keys (and admin) may call it: a standard key holding every other permission is refused.
            if (Holding(catalog, _ => true) is { } standard)
                yield return new(entry, method, CaseKind.Lacking, Key(standard), missing: "");
            yield return new(entry, method, CaseKind.EventWrite, EventWriteKey());
            yield break;
        }
        foreach (var required in entry.Permissions)
        {
            // Everything the catalog offers that does not grant the missing permission (admin, write:x for read:x).
            // With nothing else in the catalog, the same scope's other actions (delete:x lacks read:x).
            if ((Holding(catalog, p => !Grants(p, required)) ?? Holding(Siblings(required), p => !Grants(p, required))) is { } lacking)
                yield return new(entry, method, CaseKind.Lacking, Key(lacking), missing: required);
        }
        var exact = entry.Permissions.Count > 0 ? [.. entry.Permissions] : Holding(catalog, _ => true) ?? [PermissionName.Admin];
        yield return new(entry, method, CaseKind.Exact, Key(exact));
        yield return new(entry, method, CaseKind.EventWrite, EventWriteKey());
        yield return new(entry, method, CaseKind.OtherWorkspace, Key(exact) with { Workspace = OtherWorkspace });
    }

    private static string[]? Holding(IReadOnlyList<string> catalog, Func<string, bool> keep)
    {
        string[] held = [.. catalog.Where(p => p != PermissionName.Admin && keep(p))];
        return held.Length > 0 ? held : null;
    }

    public static bool Grants(string held, string required)
        => new ApiKey { Id = "", Name = "", Hash = default, Permissions = [held] }.Grants(required);

    /// <summary>read:x, write:x and delete:x for a permission on scope x; nothing for admin.</summary>
    public static string[] Siblings(string permission)
        => PermissionName.TryParse(permission, out _, out var scope) && scope is not null ? [$"read:{scope}", $"write:{scope}", $"delete:{scope}"] : [];

    private static MintRequest Key(string[] permissions) => new() { Permissions = permissions };

    private static MintRequest EventWriteKey() => new() { SourceConnection = SourceConnection };
}
