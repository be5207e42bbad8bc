// Endpoint facts: value-equal records of strings, numbers, enums and EquatableArray, never a symbol, syntax node,
// location or compilation, so the generator's incremental driver can compare and cache them and the analyzers
// can read the same facts.
namespace Declarative.Auth.Analysis
{
    /// <summary>Which kind of level a declaration sits on (DAUTH007 reads an endpoint's handler/endpoint and action/controller levels).</summary>
    internal enum DeclarationLevel
    {
        None = 0,
        Handler = 1,
        Endpoint = 2,
        Group = 3,
        Action = 4,
        Controller = 5,
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
        /// (<see cref="MinimalApiFacts.ParameterKey"/>), so its call sites can supply the prefix.
        /// </summary>
        public string? ReceiverParameter { get; init; }

        /// <summary>
        /// The index in <see cref="Levels"/> of the group the method mapping it returns to its callers (their fluent calls
        /// on the result declare that group); null when none.
        /// </summary>
        public int? ReturnedGroupLevel { get; init; }

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
    /// What a call passes for a route-builder parameter of a source helper (e.g. <c>app.MapGroup("/v1").MapIncidents()</c>):
    /// the prefix the builder carries there. <see cref="Known"/> is false when the prefix is not a constant or the
    /// builder's origin is not visible; <see cref="ParentParameter"/> names the caller's own parameter when the
    /// builder came from one (<see cref="Callers"/> follows it).
    /// </summary>
    internal sealed record CallSiteModel(string Prefix, bool Known, string? ParentParameter)
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
}
