// Pipeline models: value-equal records of strings, numbers, enums and EquatableArray, never a symbol,
// syntax node, location or compilation, so the incremental driver can compare and cache them.
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;

namespace Declarative.Auth.Generator
{
    /// <summary>
    /// What an endpoint's metadata says besides its permissions (union over every level, as the runtime reads all
    /// metadata): which key kinds it accepts and whether it is workspace-scoped. The flags the runtime's table
    /// carries have <see cref="ManifestText"/>'s values, so the row takes them as they are.
    /// </summary>
    [System.Flags]
    internal enum DeclarationFlags
    {
        None = 0,

        /// <summary>A key, or a caller the app's own authorization accepts ([OrAuthorization]).</summary>
        OrAuthorization = ManifestText.OrAuthorization,
        EventIngestion = ManifestText.EventIngestion,
        Workspace = ManifestText.Workspace,
        InTable = OrAuthorization | EventIngestion | Workspace,
        AnyKey = 8,

        /// <summary>Decided by RequireKeyWhereUndeclared / AllowAnonymousWhereUndeclared.</summary>
        WhereUndeclared = 16,
    }

    /// <summary>The facts of the compilation the generator needs.</summary>
    internal sealed record CompilationInfoModel(string AssemblyName, bool ReferencesRuntime, bool HasModuleInitializer)
    {
        /// <summary><c>[assembly: PermissionScope(scope, description)]</c>, ordinal by scope.</summary>
        public EquatableArray<ScopeDescriptionModel> ScopeDescriptions { get; init; } = EquatableArray<ScopeDescriptionModel>.Empty;
    }

    /// <summary>One <c>[assembly: PermissionScope(scope, description)]</c>.</summary>
    internal sealed record ScopeDescriptionModel(string Scope, string Description);

    /// <summary>The permissions a symbol's [RequiresKey] attributes name (found by ForAttributeWithMetadataName), for the catalog.</summary>
    internal sealed record DeclaredSymbolModel(EquatableArray<string> Permissions);

    /// <summary>
    /// One permission of the catalog. <see cref="Description"/> comes from
    /// <c>[assembly: PermissionScope("events", "...")]</c> for the permission's scope (null when none).
    /// </summary>
    internal sealed record PermissionModel(string Value, string ConstantName, int Index, string? Description);

    /// <summary>One row of the generated table, with the source file made project-relative; its access names are the runtime's EndpointAccess names.</summary>
    internal sealed record EntryModel(
        EquatableArray<string> HttpMethods,
        string? Route,
        string? Pattern,
        RouteKind RouteKind,
        ResolvedAccess Access,
        EquatableArray<string> Permissions,
        string Handler,
        string SourceFile,
        int Line)
    {
        /// <summary>Key kinds, workspace scoping, [OrAuthorization] (the runtime table carries those in <see cref="DeclarationFlags.InTable"/>).</summary>
        public DeclarationFlags Flags { get; init; }

        /// <summary>With <see cref="DeclarationFlags.OrAuthorization"/>: the app's policy, null for its default policy.</summary>
        public string? AuthorizationPolicy { get; init; }
    }

    /// <summary>Everything the rendered file (and later the docs) needs.</summary>
    internal sealed record ManifestModel(
        string AssemblyName,
        bool HasModuleInitializer,
        EquatableArray<PermissionModel> Permissions,
        EquatableArray<EntryModel> Endpoints);
}
