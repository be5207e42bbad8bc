// Pipeline models: value-equal records of strings, numbers, enums and EquatableArray, never a symbol,
// syntax node, location or compilation, so the incremental driver can compare and cache them.
namespace Declarative.Auth.Generator
{
    /// <summary>Mirrors Declarative.Auth.EndpointAccess (the generator cannot reference the runtime).</summary>
    internal enum Access
    {
        Undeclared = 0,
        Key = 1,
        Public = 2,
        Authorize = 3,
    }

    /// <summary>Where the winning declaration was found; kept for the docs output.</summary>
    internal enum DeclarationLevel
    {
        None = 0,
        Handler = 1,
        Endpoint = 2,
        Group = 3,
        Action = 4,
        Controller = 5,
    }

    /// <summary>
    /// What an endpoint's metadata says besides its permissions (union over every level, as the runtime reads all
    /// metadata): which key kinds it accepts and whether it is workspace-scoped. Only the docs output uses these.
    /// </summary>
    [System.Flags]
    internal enum DeclarationFlags
    {
        None = 0,
        AnyKey = 1,
        EventIngestion = 2,
        OrganizationsKey = 4,
        Workspace = 8,

        /// <summary>A key, or a caller the app's own authorization accepts ([OrAuthorization]).</summary>
        OrAuthorization = 16,

        /// <summary>Decided by RequireKeyWhereUndeclared / AllowAnonymousWhereUndeclared.</summary>
        WhereUndeclared = 32,
    }

    /// <summary>One declaration item (the shared rule's DeclarationItem, value-equal for the pipeline).</summary>
    internal sealed record ItemModel(Declarative.Auth.Rules.DeclarationItemKind Kind, string? Value);

    /// <summary>The declaration items of one level, in metadata order; <see cref="IsMethod"/> for a handler's or action's own attributes.</summary>
    internal sealed record LevelModel(EquatableArray<ItemModel> Items, bool IsMethod, DeclarationLevel Where);

    /// <summary>How much of an endpoint's route the build knows.</summary>
    internal enum RouteKind
    {
        /// <summary>The full route is a compile-time constant.</summary>
        Constant = 0,

        /// <summary>The pattern or a group prefix is not a compile-time constant.</summary>
        NotConstant = 1,

        /// <summary>Mapped on a builder whose prefix is not visible here (e.g. a method parameter); <c>Pattern</c> holds the known part.</summary>
        PrefixUnknown = 2,

        /// <summary>A controller action without attribute routes: its route comes from conventional routing at run time.</summary>
        Conventional = 3,
    }

    /// <summary>The facts of the compilation the generator needs.</summary>
    internal sealed record CompilationInfoModel(string AssemblyName, bool ReferencesRuntime, bool HasModuleInitializer)
    {
        /// <summary><c>[assembly: PermissionScope(scope, description)]</c>, ordinal by scope.</summary>
        public EquatableArray<ScopeDescriptionModel> ScopeDescriptions { get; init; } = EquatableArray<ScopeDescriptionModel>.Empty;
    }

    /// <summary>One <c>[assembly: PermissionScope(scope, description)]</c>.</summary>
    internal sealed record ScopeDescriptionModel(string Scope, string Description);

    /// <summary>An endpoint's effective declaration.</summary>
    internal sealed record DeclarationModel(Access Access, EquatableArray<string> Permissions, DeclarationLevel Level)
    {
        public static readonly DeclarationModel Undeclared = new DeclarationModel(Access.Undeclared, EquatableArray<string>.Empty, DeclarationLevel.None);

        /// <summary>Key kinds and workspace scoping, from every level.</summary>
        public DeclarationFlags Flags { get; init; }

        /// <summary>With <see cref="DeclarationFlags.OrAuthorization"/>: the app's policy, null for its default policy.</summary>
        public string? AuthorizationPolicy { get; init; }
    }

    /// <summary>
    /// One endpoint found in source, with its declaration levels outer → inner (resolved by the shared rule once the
    /// levels its callers add are known). <see cref="FilePath"/> is the tree's path as the compiler sees it.
    /// </summary>
    internal sealed record EndpointModel(
        EquatableArray<string> HttpMethods,
        string? Route,
        string? Pattern,
        RouteKind RouteKind,
        EquatableArray<LevelModel> Levels,
        string Handler,
        string FilePath,
        int Line)
    {
        /// <summary>
        /// For <see cref="RouteKind.PrefixUnknown"/>: the method parameter the endpoint was mapped on
        /// (<see cref="CallSiteModel.ParameterKey"/>), so its call sites can supply the prefix.
        /// </summary>
        public string? ReceiverParameter { get; init; }

        /// <summary>A library producer whose endpoints are fixed (<see cref="ProducerExpansion"/>): one row per endpoint it maps.</summary>
        public ProducerExpansion Expansion { get; init; }
    }

    /// <summary>Library producers the table expands into the endpoints they are known to map.</summary>
    internal enum ProducerExpansion
    {
        None,

        /// <summary>MapIdentityApi&lt;TUser&gt;(): its ten fixed endpoints under the caller's prefix.</summary>
        IdentityApi,

        /// <summary>MapHub&lt;THub&gt;(pattern): the hub endpoint and its <c>/negotiate</c> endpoint.</summary>
        Hub,
    }

    /// <summary>
    /// A call that passes a route builder to a method of this compilation (e.g. <c>app.MapGroup("/v1").MapIncidents()</c>):
    /// the prefix the builder carries there. <see cref="Known"/> is false when the prefix is not a constant or
    /// the builder's origin is not visible; <see cref="ParentParameter"/> names the caller's own parameter when the
    /// builder came from one (resolved transitively).
    /// </summary>
    internal sealed record CallSiteModel(string ParameterKey, string Prefix, bool Known, string? ParentParameter)
    {
        /// <summary>The declaration levels (groups, fluent calls) of the builder passed in, outer → inner.</summary>
        public EquatableArray<LevelModel> Levels { get; init; } = EquatableArray<LevelModel>.Empty;

        /// <summary>False when a prefix on the way is not a constant (the route stays unknown, the declarations count).</summary>
        public bool PrefixConstant { get; init; } = true;
    }

    /// <summary>The fluent declarations made on one <c>MapControllers()</c> call: a level nearer than every action's.</summary>
    internal sealed record ControllerConventionsModel(EquatableArray<LevelModel> Levels);

    /// <summary>One controller and the endpoints of its actions (inherited ones included).</summary>
    internal sealed record ControllerModel(string TypeName, EquatableArray<EndpointModel> Endpoints);

    /// <summary>A symbol carrying [RequiresKey] (found by ForAttributeWithMetadataName) and the permissions it names.</summary>
    internal sealed record DeclaredSymbolModel(string SymbolName, EquatableArray<string> Permissions);

    /// <summary>
    /// One permission of the catalog. <see cref="Description"/> comes from
    /// <c>[assembly: PermissionScope("events", "...")]</c> for the permission's scope (null when none).
    /// </summary>
    internal sealed record PermissionModel(string Value, string ConstantName, int Index, string? Description);

    /// <summary>One row of the generated table, with the source file made project-relative.</summary>
    internal sealed record EntryModel(
        EquatableArray<string> HttpMethods,
        string? Route,
        string? Pattern,
        RouteKind RouteKind,
        Access Access,
        EquatableArray<string> Permissions,
        DeclarationLevel Level,
        string Handler,
        string SourceFile,
        int Line)
    {
        /// <summary>Key kinds, workspace scoping, [OrAuthorization] (the runtime table carries OrAuthorization only).</summary>
        public DeclarationFlags Flags { get; init; }

        public string? AuthorizationPolicy { get; init; }
    }

    /// <summary>Everything the rendered file (and later the docs) needs.</summary>
    internal sealed record ManifestModel(
        string AssemblyName,
        bool HasModuleInitializer,
        EquatableArray<PermissionModel> Permissions,
        EquatableArray<EntryModel> Endpoints);
}
