using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analysis
{
    /// <summary>Minimal-API <c>Map*</c> calls → endpoint facts (symbols and syntax stay in here).</summary>
    internal static class MinimalApiFacts
    {
        private const string FallbackPattern = "{*path:nonfile}";
        private const int MaxDepth = 64;

        /// <summary>The facts of one Map call (null when it is no endpoint, or its call sites are the rows).</summary>
        /// <param name="callSitesAreRows">False: the Map call inside a wrapper is read as written (its callers are not known).</param>
        public static EndpointModel? Read(InvocationExpressionSyntax invocation, IInvocationOperation operation, SemanticModel model, CancellationToken cancellationToken,
            bool callSitesAreRows = true)
        {
            // MapHub, MapHealthChecks, MapFallbackTo*, and libraries' Map* (MapIdentityApi, MapStaticAssets...): one row each.
            var map = EndpointRules.IsMapEndpointMethod(operation.TargetMethod);
            if (!map && !EndpointRules.IsOtherEndpointMethod(operation.TargetMethod) && !EndpointRules.IsLibraryProducer(operation.TargetMethod))
                return null;
            // Inside a wrapper (`static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder b, Delegate h, string p)
            // => b.MapPost(p, h)...`) the pattern is the wrapper's parameter: each call of it is a row (see Wrapped).
            if (map && callSitesAreRows && WrapperOf(operation, model, cancellationToken) is not null)
                return null;
            return Of(operation, model, invocation, FluentAfter(invocation, operation.Type, model, cancellationToken), null, cancellationToken);
        }

        /// <summary>
        /// A Map call's facts, at <paramref name="at"/> with <paramref name="endpointLevel"/> as its own chain; in a wrapper, as
        /// one call of the wrapper maps it (<paramref name="bindings"/>: the wrapper's parameters → that call's arguments).
        /// </summary>
        private static EndpointModel Of(IInvocationOperation operation, SemanticModel model, InvocationExpressionSyntax at, Declarations.Level endpointLevel,
            Dictionary<IParameterSymbol, IOperation>? bindings, CancellationToken cancellationToken)
        {
            var method = operation.TargetMethod.ReducedFrom ?? operation.TargetMethod;
            var producer = !EndpointRules.IsMapEndpointMethod(operation.TargetMethod);
            // Pattern: null when not a constant.
            var pattern = Argument(operation, "pattern") is { } patternArgument ? ConstantString(patternArgument.Value, bindings)
                : method.Name.StartsWith("MapFallback", System.StringComparison.Ordinal) ? FallbackPattern
                : IsIdentityApi(method) ? string.Empty // its endpoints sit right under the caller's prefix
                : null;
            var expansion = IsIdentityApi(method) ? ProducerExpansion.IdentityApi
                : method.Name == "MapHub" && pattern is not null ? ProducerExpansion.Hub
                : ProducerExpansion.None;

            // MapFallbackToFile's endpoint carries HttpMethodMetadata(GET, HEAD) (StaticFilesEndpointRouteBuilderExtensions).
            var httpMethods = method.Name == "MapFallbackToFile" ? new[] { "GET", "HEAD" }
                : producer ? System.Array.Empty<string>() : EndpointRules.MapMethods[method.Name] is { } implied
                ? new[] { implied }
                : method.Name == "MapMethods" && HttpMethodsArgument(operation) is { } given ? given.Distinct().OrderBy(m => m, System.StringComparer.Ordinal).ToArray()
                : System.Array.Empty<string>();

            var handlerValue = HandlerArgument(operation);
            if (bindings is not null && Unwrap(handlerValue) is IParameterReferenceOperation handlerParameter
                && bindings.TryGetValue(handlerParameter.Parameter.OriginalDefinition, out var boundHandler))
                handlerValue = boundHandler;
            var handler = producer ? new Handler(method.Name, null) : Handler.Resolve(handlerValue, model, cancellationToken);
            // MapHub<THub> copies the hub class's attributes to its endpoints, ahead of the caller's conventions.
            var hubLevel = method.Name == "MapHub" && operation.TargetMethod.TypeArguments.FirstOrDefault() is INamedTypeSymbol hub
                ? Declarations.OfClass(hub)
                : Declarations.Level.None;
            return Endpoint(httpMethods, pattern, ResolveGroups(Receiver(operation), model, cancellationToken, bindings), handler, hubLevel, endpointLevel, at)
                with { Expansion = expansion };
        }

        /// <summary>
        /// The endpoint's facts: its levels (outer → inner, as the metadata runs: groups, the handler's attributes, a hub's,
        /// the endpoint's own chain), its route (the groups' prefixes, outer first, then the pattern; <see cref="RouteKind"/>
        /// says how much is known) and, when mapped on a method's parameter, that parameter (its call sites give the prefix
        /// and their groups' declarations).
        /// </summary>
        private static EndpointModel Endpoint(IEnumerable<string> httpMethods, string? pattern, GroupChain groups, Handler handler,
            Declarations.Level hubLevel, Declarations.Level endpointLevel, InvocationExpressionSyntax invocation)
        {
            var levels = GroupLevels(groups);
            levels.Add((handler.Method is null ? Declarations.Level.None : Declarations.OfMethod(handler.Method)).ToModel(isMethod: true, DeclarationLevel.Handler));
            if (hubLevel.Declares)
                levels.Add(hubLevel.ToModel(isMethod: false, DeclarationLevel.Controller));
            levels.Add(endpointLevel.ToModel(isMethod: false, DeclarationLevel.Endpoint));
            var combined = groups.Under(pattern ?? string.Empty, out var constant);
            constant &= pattern is not null;
            var kind = !constant ? RouteKind.NotConstant : !groups.RootKnown ? RouteKind.PrefixUnknown : RouteKind.Constant;
            var nameToken = NameToken(invocation.Expression) ?? invocation.GetFirstToken();
            var returned = groups.Groups.FindIndex(g => g.ReturnedToCaller);
            return new EndpointModel(
                httpMethods.ToEquatableArray(),
                kind == RouteKind.Constant ? Routes.Rooted(combined) : null,
                pattern is null ? null : Routes.Rooted(combined),
                kind,
                levels.ToEquatableArray(),
                handler.Name,
                invocation.SyntaxTree.FilePath,
                nameToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1)
            {
                ReceiverParameter = groups.RootKnown ? null : groups.UnresolvedParameter,
                // Levels run outer → inner, the chain inner → outer.
                ReturnedGroupLevel = returned < 0 ? null : groups.Groups.Count - 1 - returned,
            };
        }

        /// <summary>The source wrapper whose returned builder is this Map call's, its pattern a parameter of it; null otherwise.</summary>
        private static IMethodSymbol? WrapperOf(IInvocationOperation map, SemanticModel model, CancellationToken cancellationToken)
            => Unwrap(Argument(map, "pattern")?.Value) is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol wrapper }
               && wrapper.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction && ReturnsEndpoint(wrapper, map.Syntax, model, cancellationToken)
                ? wrapper
                : null;

        /// <summary>
        /// The table's rows of one Map call: its facts, once per distinct prefix and declaration its helper's callers
        /// pass in (ASP.NET Core maps it once per call). Inside a wrapper: the row of each call of the wrapper.
        /// </summary>
        public static IEnumerable<EndpointModel> Rows(InvocationExpressionSyntax invocation, IInvocationOperation operation, SemanticModel model, CancellationToken cancellationToken)
            => Sited(Read(invocation, operation, model, cancellationToken), invocation, operation, model, cancellationToken).Select(r => r.Row).Distinct();

        /// <summary>
        /// <see cref="Rows"/> with the call of a helper each row is decided at (null: the Map call itself), where DAUTH001
        /// reports an undeclared row. <paramref name="read"/>: the Map call's <see cref="Read"/>.
        /// </summary>
        public static IEnumerable<(EndpointModel Row, IInvocationOperation? Site)> Sited(EndpointModel? read, InvocationExpressionSyntax invocation,
            IInvocationOperation operation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (read is not null)
                return WithCallers(read, invocation, model, cancellationToken);
            if (WrapperOf(operation, model, cancellationToken) is not { } wrapper || Callers.Of(wrapper, model, cancellationToken) is not { } sites)
                return Enumerable.Empty<(EndpointModel, IInvocationOperation?)>();
            return sites.SelectMany(s => WithCallers(Wrapped(operation, wrapper, s.Call, s.Model, cancellationToken), s.Call.Syntax, s.Model, cancellationToken)
                .Select(r => (r.Row, (IInvocationOperation?)s.Call)));
        }

        /// <summary>
        /// A row as its method's callers map it, each with the call it is decided at: mapped on the method's parameter, once
        /// per path of callers (their prefix and levels); on the endpoint builder or group the method returns, or with the
        /// handler it is handed, once per call with what that call chains on the result or hands in; unchanged without callers.
        /// </summary>
        private static IEnumerable<(EndpointModel Row, IInvocationOperation? Site)> WithCallers(EndpointModel row, SyntaxNode at, SemanticModel model, CancellationToken cancellationToken)
        {
            var method = Callers.Enclosing(at, model, cancellationToken);
            var helper = row.ReceiverParameter is null ? null : method;
            while (helper is not null && !Enumerable.Range(0, helper.Parameters.Length).Any(i => ParameterKey(helper, i) == row.ReceiverParameter))
                helper = helper.ContainingSymbol as IMethodSymbol; // a local function mapping on its outer method's parameter
            // `MapThing(this IEndpointRouteBuilder b, Delegate h) => b.MapGet("/thing", h)` called as
            // `app.MapThing(Handlers.Get).RequireKey(...)`: the builder it returns and the handler it is handed are the caller's.
            var map = method is not null && row.ReturnedGroupLevel is null ? model.GetOperation(at, cancellationToken) as IInvocationOperation : null;
            var returnsEndpoint = map is not null && ReturnsEndpoint(method!, at, model, cancellationToken);
            var handlerParameter = map is null ? null : ParameterOf(HandlerArgument(map), method!);
            // `var g = routes.MapGroup("/own"); g.MapGet(...); return g;` called as `app.MapOwnGroup().RequireKey(...)`: the
            // caller's chain declares that group (only it: what is mapped on `routes` itself stays as its callers declare it).
            if (method is not null && (returnsEndpoint || handlerParameter is not null || row.ReturnedGroupLevel is not null)
                && Callers.Of(method, model, cancellationToken) is { Count: > 0 } calls)
            {
                return calls.SelectMany(site =>
                {
                    var declared = AtCall(row, site.Call, site.Model, returnsEndpoint, handlerParameter, cancellationToken);
                    if (helper is null)
                        return new[] { (declared, (IInvocationOperation?)site.Call) };
                    // Mapped on the method's own parameter: the prefix and levels this very call passes in.
                    var reaches = SymbolEqualityComparer.Default.Equals(helper, method)
                        ? Callers.FromSite(site.Call, site.Model, helper.Parameters[Callers.Ordinal(row.ReceiverParameter!)], cancellationToken)
                        : Callers.Reaching(helper, row.ReceiverParameter!, model, cancellationToken);
                    return reaches.Select(reach => (Reached(declared, reach), (IInvocationOperation?)site.Call));
                });
            }
            var plain = row with { ReturnedGroupLevel = null };
            return helper is null ? new[] { (plain, (IInvocationOperation?)null) }
                : Callers.Reaching(helper, row.ReceiverParameter!, model, cancellationToken).Select(reach => (Reached(plain, reach), reach.Site));
        }

        /// <summary>The endpoint builder of the Map call at <paramref name="map"/> is what <paramref name="method"/> returns (through fluent calls and locals).</summary>
        internal static bool ReturnsEndpoint(IMethodSymbol method, SyntaxNode map, SemanticModel model, CancellationToken cancellationToken)
            => Returned(method, model, new Declarations.Level(), cancellationToken) is IInvocationOperation call
               && EndpointRules.IsMapEndpointMethod(call.TargetMethod) && call.Syntax == map;

        /// <summary>
        /// The row as one call of its helper maps it: what the call chains on the endpoint builder the helper returns joins
        /// the endpoint's own level (it is the same builder), on a group the helper returns that group's level, and a handler
        /// handed in replaces the helper's parameter.
        /// </summary>
        private static EndpointModel AtCall(EndpointModel row, IInvocationOperation call, SemanticModel model, bool returnsEndpoint,
            IParameterSymbol? handlerParameter, CancellationToken cancellationToken)
        {
            var levels = row.Levels.AsImmutableArray().ToList();
            var chained = returnsEndpoint || row.ReturnedGroupLevel is not null
                ? FluentAfter((InvocationExpressionSyntax)call.Syntax, call.Type, model, cancellationToken)
                : Declarations.Level.None;
            if (row.ReturnedGroupLevel is { } index && chained.Declares)
                levels.Insert(index + 1, chained.ToModel(isMethod: false, DeclarationLevel.Group));
            // Every row has its handler's level and its endpoint's own (Endpoint).
            if (returnsEndpoint && chained.ToModel(isMethod: false, DeclarationLevel.Endpoint) is { Items.Count: > 0 } endpointChain)
            {
                var endpoint = levels.FindLastIndex(l => l.Where == DeclarationLevel.Endpoint);
                levels[endpoint] = levels[endpoint] with { Items = levels[endpoint].Items.Concat(endpointChain.Items).ToEquatableArray() };
            }
            var handler = row.Handler;
            if (handlerParameter is not null && ArgumentFor(call, handlerParameter) is { } passed
                && Handler.Resolve(passed.Value, model, cancellationToken) is { Method: { } method } resolved)
            {
                levels[levels.FindIndex(l => l.Where == DeclarationLevel.Handler)] = Declarations.OfMethod(method).ToModel(isMethod: true, DeclarationLevel.Handler);
                handler = resolved.Name;
            }
            return row with { Levels = levels.ToEquatableArray(), Handler = handler, ReturnedGroupLevel = null };
        }

        /// <summary>The row with what one path of callers passes in for its builder parameter: their levels first, their prefix.</summary>
        private static EndpointModel Reached(EndpointModel row, Callers.Reach reach)
        {
            var levels = reach.Levels.Concat(row.Levels).ToEquatableArray();
            if (reach.Prefix is null || row.Pattern is null || row.RouteKind != RouteKind.PrefixUnknown)
                return row with { Levels = levels };
            var route = Routes.Rooted(Routes.CombineGroup(reach.Prefix, row.Pattern));
            return row with { Route = route, Pattern = route, RouteKind = RouteKind.Constant, ReceiverParameter = null, Levels = levels };
        }

        /// <summary>
        /// A call of a source wrapper returning a Map call's builder: the row of the endpoint it maps, with the call's
        /// arguments for the wrapper's parameters (pattern, handler, builder), at the call, with the call's own fluent declarations.
        /// </summary>
        private static EndpointModel Wrapped(IInvocationOperation map, IMethodSymbol wrapper, IInvocationOperation call, SemanticModel model, CancellationToken cancellationToken)
        {
            var endpointLevel = new Declarations.Level();
            Returned(wrapper, model, endpointLevel, cancellationToken); // what the wrapper declares on the builder it returns
            var syntax = (InvocationExpressionSyntax)call.Syntax;
            return Of(map, model, syntax, FluentAfter(syntax, call.Type, model, cancellationToken, endpointLevel),
                Bind(call, new Dictionary<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default)), cancellationToken);
        }

        private static bool IsIdentityApi(IMethodSymbol method)
            => method.Name == "MapIdentityApi"
               && method.ContainingType?.Name == "IdentityApiEndpointRouteBuilderExtensions";

        /// <summary><c>MapControllers()</c>: its groups and its fluent declarations, which MVC adds to every action's endpoint.</summary>
        public static ControllerConventionsModel? ControllerConventions(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || (operation.TargetMethod.ReducedFrom ?? operation.TargetMethod).ContainingType?.ToDisplayString() != "Microsoft.AspNetCore.Builder.ControllerEndpointRouteBuilderExtensions")
                return null;
            var levels = GroupLevels(ResolveGroups(Receiver(operation), model, cancellationToken));
            levels.Add(FluentAfter(invocation, operation.Type, model, cancellationToken).ToModel(isMethod: false, DeclarationLevel.Endpoint));
            return new ControllerConventionsModel(levels.ToEquatableArray());
        }

        /// <summary>What a call of a source helper passes for its route-builder <paramref name="parameter"/>: the prefix the builder carries there, its levels.</summary>
        public static CallSiteModel? CallSite(IInvocationOperation call, IParameterSymbol parameter, SemanticModel model, CancellationToken cancellationToken)
        {
            var argument = ArgumentFor(call, parameter);
            if (argument is null || !IsRouteBuilder(parameter.Type))
                return null;
            var chain = ResolveGroups(argument.Value, model, cancellationToken);
            var prefix = chain.Under(string.Empty, out var constant);
            var levels = GroupLevels(chain);
            // The helper hands the builder back: what the caller chains on the result declares it too.
            if (call.Syntax is InvocationExpressionSyntax node && ReturnsParameter(call.TargetMethod.ReducedFrom ?? call.TargetMethod, parameter.Ordinal, model, cancellationToken))
                levels.Add(FluentAfter(node, call.Type, model, cancellationToken).ToModel(isMethod: false, DeclarationLevel.Group));
            return new CallSiteModel(prefix, constant && chain.RootKnown, !chain.RootKnown ? chain.UnresolvedParameter : null)
            {
                Levels = levels.ToEquatableArray(),
                PrefixConstant = constant,
            };
        }

        private static List<LevelModel> GroupLevels(GroupChain chain)
            => chain.Groups.AsEnumerable().Reverse().Select(g => g.Level.ToModel(isMethod: false, DeclarationLevel.Group)).ToList();

        /// <summary>Names a parameter of a source method across the compilation.</summary>
        internal static string ParameterKey(IMethodSymbol method, int ordinal)
        {
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            var id = definition.MethodKind == MethodKind.LocalFunction
                ? definition.ContainingSymbol.ToDisplayString() + "/" + definition.ToDisplayString()
                : definition.GetDocumentationCommentId() ?? definition.ToDisplayString();
            return id + "#" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// What the fluent calls made on <paramref name="call"/>'s result declare (added to <paramref name="level"/> when given):
        /// <c>.RequireKey(...)</c>, <c>.AllowAnonymous()</c>, ... as long as each call returns the same builder type; when the
        /// chain ends as a local's initializer, the calls made on that local later count too.
        /// </summary>
        public static Declarations.Level FluentAfter(InvocationExpressionSyntax call, ITypeSymbol? builderType, SemanticModel model, CancellationToken cancellationToken,
            Declarations.Level? level = null)
        {
            level ??= new Declarations.Level();
            var top = WalkUp(call, builderType, model, level, cancellationToken);
            // `var endpoint = app.MapGet(...)`, or `RouteHandlerBuilder assigned; assigned = app.MapGet(...); assigned.RequireAuthorization();`
            var local = top.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } ? model.GetDeclaredSymbol(declarator, cancellationToken) as ILocalSymbol
                : top.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } assignment && assignment.Right == top
                    ? model.GetSymbolInfo(name, cancellationToken).Symbol as ILocalSymbol
                : null;
            if (local is not null)
                UsesOf(local, model, cancellationToken)?.ReplayInto(level);
            return level;
        }

        /// <summary>
        /// What is done with a local or parameter holding a builder: the fluent declarations made on it anywhere in
        /// its body, and whether it is assigned again. Computed once per symbol and semantic model: a Program.cs
        /// with hundreds of endpoints on one group would otherwise rescan its body for every endpoint. Null when the symbol
        /// is not declared once in the model's tree.
        /// </summary>
        private static Uses? UsesOf(ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
        {
            var cache = s_uses.GetValue(model, static _ => new ConcurrentDictionary<ISymbol, Uses>(SymbolEqualityComparer.Default));
            if (cache.TryGetValue(symbol, out var cached))
                return cached;
            if (symbol.DeclaringSyntaxReferences.Length != 1 || symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not { } declaration
                || declaration.SyntaxTree != model.SyntaxTree)
                return null;
            var builderType = symbol is ILocalSymbol local ? local.Type : ((IParameterSymbol)symbol).Type;
            var uses = new Uses();
            foreach (var reference in References(symbol, declaration, model, cancellationToken))
            {
                if (reference.Parent is AssignmentExpressionSyntax assignment && assignment.Left == reference)
                    uses.Reassigned = true;
                WalkUp(reference, builderType, model, uses.Level, cancellationToken);
            }
            return cache.GetOrAdd(symbol, uses);
        }

        private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<ISymbol, Uses>> s_uses =
            new ConditionalWeakTable<SemanticModel, ConcurrentDictionary<ISymbol, Uses>>();

        private sealed class Uses
        {
            public Declarations.Level Level { get; } = new Declarations.Level();

            public bool Reassigned { get; set; }

            public void ReplayInto(Declarations.Level target)
            {
                foreach (var item in Level.Items)
                    target.Add(item);
            }
        }

        /// <summary>
        /// A fluent declaration (<see cref="Declarations.AddFluent"/>), or a source helper that declares the builder it is
        /// given (<c>static RouteGroupBuilder Secure(this RouteGroupBuilder g) => g.RequireKey(...)</c>): its uses of that parameter.
        /// </summary>
        private static bool AddFluentOrHelper(IInvocationOperation call, Declarations.Level level, SemanticModel model, CancellationToken cancellationToken)
        {
            if (Declarations.AddFluent(call, level))
                return true;
            var helper = (call.TargetMethod.ReducedFrom ?? call.TargetMethod).OriginalDefinition;
            if (!helper.IsExtensionMethod || call.Instance is not null || helper.Parameters.Length == 0
                || helper.Parameters[0].DeclaringSyntaxReferences.Length != 1 || t_helpers.Contains(helper))
                return false;
            var declaration = helper.Parameters[0].DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (!model.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
                return false;
            var helperModel = Callers.ModelFor(declaration.SyntaxTree, model);
            t_helpers.Add(helper);
            try
            {
                var uses = UsesOf(helper.Parameters[0], helperModel, cancellationToken);
                uses?.ReplayInto(level);
                return uses is { Level.Declares: true };
            }
            finally
            {
                t_helpers.Remove(helper);
            }
        }

        // Helpers being read on this thread: a recursive helper proves nothing about itself.
        [System.ThreadStatic] private static HashSet<IMethodSymbol>? s_helpers;

        private static HashSet<IMethodSymbol> t_helpers => s_helpers ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        private static ExpressionSyntax WalkUp(ExpressionSyntax node, ITypeSymbol? builderType, SemanticModel model,
            Declarations.Level level, CancellationToken cancellationToken)
        {
            while (node.Parent is MemberAccessExpressionSyntax member && member.Expression == node
                   && member.Parent is InvocationExpressionSyntax outer && outer.Expression == member
                   && model.GetOperation(outer, cancellationToken) is IInvocationOperation call)
            {
                // builder.Add(e => e.Metadata.Add(...)) returns void: a convention ends the chain.
                if (Declarations.AddConvention(call, level) || !SymbolEqualityComparer.Default.Equals(call.Type, builderType) || IsMapGroup(call.TargetMethod))
                    break;
                AddFluentOrHelper(call, level, model, cancellationToken);
                node = outer;
            }
            return node;
        }

        /// <summary>References to a local or parameter in its enclosing body, other than its declaration.</summary>
        private static IEnumerable<IdentifierNameSyntax> References(ISymbol local, SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
        {
            var body = declaration.Ancestors().FirstOrDefault(a =>
                a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax
                    or AccessorDeclarationSyntax or CompilationUnitSyntax);
            if (body is null)
                yield break;
            foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                    yield return identifier;
            }
        }

        /// <param name="Prefix">The constant prefix; null when not constant.</param>
        /// <param name="ReturnedToCaller">The method the endpoint is mapped in hands this group back: its callers' chains on the result declare it.</param>
        internal sealed record Group(string? Prefix, Declarations.Level Level, bool ReturnedToCaller = false);

        internal sealed class GroupChain
        {
            public List<Group> Groups { get; } = new List<Group>();

            /// <summary><paramref name="pattern"/> under the groups' prefixes (inner first); <paramref name="constant"/> is false when one is not a constant (left out).</summary>
            public string Under(string pattern, out bool constant)
            {
                constant = true;
                foreach (var group in Groups)
                {
                    if (group.Prefix is null)
                        constant = false;
                    else
                        pattern = Routes.CombineGroup(group.Prefix, pattern);
                }
                return pattern;
            }

            /// <summary>True when the chain ends at the application itself, so the prefixes are complete.</summary>
            public bool RootKnown { get; set; }

            /// <summary>When the chain ends at a parameter of a source method: its <see cref="ParameterKey"/>.</summary>
            public string? UnresolvedParameter { get; set; }
        }

        /// <summary>
        /// Follows a Map call's receiver down to the application: through MapGroup calls (each one a level),
        /// fluent calls (declarations of the group being built), and locals assigned once.
        /// </summary>
        internal static GroupChain ResolveGroups(IOperation? receiver, SemanticModel model, CancellationToken cancellationToken,
            Dictionary<IParameterSymbol, IOperation>? initialBindings = null)
        {
            var chain = new GroupChain();
            var pending = new Declarations.Level();
            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            // A helper's parameters → the arguments of the call being followed through (see ReturnedBuilder).
            var bindings = initialBindings is null
                ? new Dictionary<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default)
                : new Dictionary<IParameterSymbol, IOperation>(initialBindings, SymbolEqualityComparer.Default);
            var current = receiver;
            // Still inside the method the chain starts in (not followed into a helper it calls, nor bound to a wrapper's call).
            var ownMethod = initialBindings is null;
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = Unwrap(current);
                if (current is null)
                    return chain;
                // Followed into a helper declared in another file: read it with its own tree's model.
                if (current.SemanticModel is { } own)
                    model = own;
                if (IsApplication(current.Type))
                {
                    chain.RootKnown = true;
                    return chain;
                }
                switch (current)
                {
                    case IInvocationOperation call:
                    {
                        var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
                        var next = Receiver(call);
                        if (IsMapGroup(method))
                        {
                            var prefix = ConstantString(Argument(call, "prefix")?.Value, bindings);
                            chain.Groups.Add(new Group(prefix, pending, ownMethod && IsReturned(call, model, cancellationToken)));
                            pending = new Declarations.Level();
                            current = next;
                            continue;
                        }
                        if (next is not null && (AddFluentOrHelper(call, pending, model, cancellationToken) || SymbolEqualityComparer.Default.Equals(call.Type, next.Type)))
                        {
                            current = next;
                            continue;
                        }
                        // A helper returning a group (`static RouteGroupBuilder AdminGroup(IEndpointRouteBuilder r, string
                        // prefix = "/helper") => r.MapGroup(prefix).RequireKey(...)`): follow what it returns, its
                        // parameters standing for this call's arguments (defaults included).
                        if (call.Type is { } returnedType && IsRouteBuilder(returnedType) && visited.Add(method)
                            && ReturnedBuilder(method, model, cancellationToken) is { } returned)
                        {
                            Bind(call, bindings);
                            ownMethod = false;
                            current = returned;
                            continue;
                        }
                        return chain;
                    }
                    case ILocalReferenceOperation localReference:
                    {
                        // Assigned more than once: the prefix is not certain.
                        var local = localReference.Local;
                        if (!visited.Add(local) || InitializerOf(local, model, cancellationToken) is not { } initializer
                            || UsesOf(local, model, cancellationToken) is not { Reassigned: false } uses)
                            return chain;
                        uses.ReplayInto(pending);
                        current = initializer;
                        continue;
                    }
                    case IParameterReferenceOperation parameterReference
                        when bindings.TryGetValue(parameterReference.Parameter.OriginalDefinition, out var argumentValue):
                        current = argumentValue;
                        continue;
                    case IParameterReferenceOperation parameterReference:
                    {
                        var parameter = parameterReference.Parameter;
                        chain.RootKnown = IsUseEndpointsCallback(parameter, cancellationToken);
                        if (!chain.RootKnown && parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } owner)
                            chain.UnresolvedParameter = ParameterKey(owner, parameter.Ordinal);
                        // Fluent calls on the parameter inside its method declare what it holds (prefix unknown).
                        UsesOf(parameter, model, cancellationToken)?.ReplayInto(pending);
                        if (pending.Declares)
                            chain.Groups.Add(new Group(string.Empty, pending));
                        return chain;
                    }
                    default:
                        return chain;
                }
            }
            return chain;
        }

        /// <summary>
        /// The group a MapGroup call makes is what its method returns on every path (through locals assigned once and
        /// fluent calls). Once per call and model: every endpoint mapped on the group asks.
        /// </summary>
        private static bool IsReturned(IInvocationOperation mapGroup, SemanticModel model, CancellationToken cancellationToken)
        {
            var cache = s_returned.GetValue(model, static _ => new ConcurrentDictionary<SyntaxNode, bool>());
            if (cache.TryGetValue(mapGroup.Syntax, out var known))
                return known;
            var returned = Callers.Enclosing(mapGroup.Syntax, model, cancellationToken) is { } method && IsRouteBuilder(method.ReturnType)
                && Returned(method, model, new Declarations.Level(), cancellationToken)?.Syntax == mapGroup.Syntax;
            return cache.GetOrAdd(mapGroup.Syntax, returned);
        }

        private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<SyntaxNode, bool>> s_returned =
            new ConditionalWeakTable<SemanticModel, ConcurrentDictionary<SyntaxNode, bool>>();

        /// <summary>Adds what <paramref name="call"/> passes for each parameter of its method (defaults included) to <paramref name="bindings"/>.</summary>
        private static Dictionary<IParameterSymbol, IOperation> Bind(IInvocationOperation call, Dictionary<IParameterSymbol, IOperation> bindings)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter)
                    bindings[parameter.OriginalDefinition] = argument.Value;
            }
            return bindings;
        }

        /// <summary>A constant string, through helper parameters bound to constant arguments; null otherwise.</summary>
        private static string? ConstantString(IOperation? value, Dictionary<IParameterSymbol, IOperation>? bindings)
        {
            for (var depth = 0; depth < MaxDepth && value is not null; depth++)
            {
                value = Unwrap(value);
                if (value?.ConstantValue is { HasValue: true, Value: string text })
                    return text;
                if (value is not IParameterReferenceOperation reference || bindings is null
                    || !bindings.TryGetValue(reference.Parameter.OriginalDefinition, out value))
                    return null;
            }
            return null;
        }

        /// <summary>
        /// The builder a source method returns: its expression body, or its <c>return</c>s when every one hands back the
        /// same builder (one parameter, local or call, through the same fluent declarations). Null otherwise (no source,
        /// returns that differ: what the caller gets would depend on the path).
        /// </summary>
        internal static IOperation? ReturnedBuilder(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken)
        {
            var definition = method.OriginalDefinition;
            if (definition.DeclaringSyntaxReferences.Length != 1)
                return null;
            var syntax = definition.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            var (expression, body) = syntax switch
            {
                MethodDeclarationSyntax declaration => (declaration.ExpressionBody?.Expression, declaration.Body),
                LocalFunctionStatementSyntax local => (local.ExpressionBody?.Expression, local.Body),
                _ => (null, null),
            };
            var returned = expression is not null ? new[] { expression }
                : body?.DescendantNodes(n => n == body || !(n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                    .OfType<ReturnStatementSyntax>().Select(r => r.Expression).ToArray();
            if (returned is not { Length: > 0 } || !model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                return null;
            var own = Callers.ModelFor(syntax.SyntaxTree, model);
            IOperation? first = null;
            (ISymbol? Symbol, SyntaxNode? Node, string Declared) shape = default;
            foreach (var value in returned)
            {
                if (value is null || own.GetOperation(value, cancellationToken) is not { } operation)
                    return null;
                var level = new Declarations.Level();
                var origin = Origin(operation, level, throughLocals: false, cancellationToken);
                var declared = string.Join(";", level.Items.Select(i => i.Kind + "=" + i.Value));
                (ISymbol? Symbol, SyntaxNode? Node, string Declared) key = (origin switch
                {
                    IParameterReferenceOperation p => p.Parameter,
                    ILocalReferenceOperation l => l.Local,
                    _ => null,
                }, origin?.Syntax, declared);
                if (first is null)
                    (first, shape) = (operation, key);
                else if (!SymbolEqualityComparer.Default.Equals(shape.Symbol, key.Symbol) || (shape.Symbol is null && shape.Node != key.Node)
                         || shape.Declared != key.Declared)
                    return null;
            }
            return first;
        }

        /// <summary>
        /// Where a builder was made (a parameter, a Map or MapGroup call...): under the fluent calls that return it and, with
        /// <paramref name="throughLocals"/>, through locals assigned once; what those declare is added to <paramref name="level"/>.
        /// </summary>
        private static IOperation? Origin(IOperation? builder, Declarations.Level level, bool throughLocals, CancellationToken cancellationToken)
        {
            var current = Unwrap(builder);
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                // `var endpoint = b.MapGet(p, h); ... return endpoint;`: the local's initializer, and what is declared on it.
                if (throughLocals && current is ILocalReferenceOperation { Local: var local } && current.SemanticModel is { } own
                    && UsesOf(local, own, cancellationToken) is { Reassigned: false } uses && InitializerOf(local, own, cancellationToken) is { } initializer)
                {
                    uses.ReplayInto(level);
                    current = Unwrap(initializer);
                    continue;
                }
                if (current is not IInvocationOperation call || IsMapGroup(call.TargetMethod) || Receiver(call) is not { } next
                    || !SymbolEqualityComparer.Default.Equals(call.Type, next.Type))
                    break;
                Declarations.AddFluent(call, level);
                current = Unwrap(next);
            }
            return current;
        }

        /// <summary>Where the builder a source method returns on every path was made (<see cref="Origin"/>); null when it returns none.</summary>
        private static IOperation? Returned(IMethodSymbol method, SemanticModel model, Declarations.Level level, CancellationToken cancellationToken)
            => method.ReturnsVoid ? null : Origin(ReturnedBuilder(method, model, cancellationToken), level, throughLocals: true, cancellationToken);

        /// <summary>
        /// The method hands back the builder its parameter <paramref name="ordinal"/> was given (on every return), so what
        /// a caller chains on the result declares that builder (<c>app.MapGroup("/r").MapReports().RequireKey(...)</c>).
        /// </summary>
        internal static bool ReturnsParameter(IMethodSymbol method, int ordinal, SemanticModel model, CancellationToken cancellationToken)
            => ParameterOf(Returned(method, model, new Declarations.Level(), cancellationToken), method)?.Ordinal == ordinal;

        /// <summary><c>app.UseEndpoints(endpoints => ...)</c>: the callback's builder is the application's.</summary>
        private static bool IsUseEndpointsCallback(IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
                || lambda.DeclaringSyntaxReferences.Length != 1)
                return false;
            var syntax = lambda.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            return syntax.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
                   && NameToken(invocation.Expression) is { ValueText: "UseEndpoints" };
        }
    }
}
