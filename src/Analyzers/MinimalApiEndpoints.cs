using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for minimal APIs, a view of the generator's table (<see cref="MinimalApiFacts.Sited"/>): an endpoint is
    /// declared when one of its row's levels (groups, handler, hub, its own chain, its callers') declares. Each row names
    /// the call of the helper mapping it that decides it; an undeclared one is reported at that call, with the caller's
    /// route, while the call is analyzed (so the host offers the fix in the caller's file); at the Map call when no call
    /// decides it (a library's public API), or when the call passes the app itself (only the helper can declare that endpoint).
    /// </summary>
    internal sealed class MinimalApiEndpoints
    {
        private readonly Compilation _compilation;

        public MinimalApiEndpoints(Compilation compilation)
        {
            _compilation = compilation;
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.Syntax is not InvocationExpressionSyntax syntax || invocation.SemanticModel is not { } model)
                return;
            var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
            var map = EndpointRules.IsMapEndpointMethod(method);
            var other = !map && EndpointRules.IsOtherEndpointMethod(method);
            var library = !map && !other && EndpointRules.IsLibraryProducer(method);
            var ct = context.CancellationToken;
            if (!map && !method.DeclaringSyntaxReferences.IsEmpty)
                AnalyzeCallSite(context, invocation, method.OriginalDefinition);
            if (!map && !library && !other)
                return;
            if (FactsOf(invocation, model, ct) is not { } facts || Declarations.Declares(facts.Levels) || FallbackTargetDeclared(invocation, ct))
                return;
            // Judged here unless every undeclared row is decided at a call of its helper that can declare it (reported there).
            if (!RowsOf(invocation, facts, ct).Any(r => !Declarations.Declares(r.Row.Levels) && (r.Site is null || !AtSite(invocation, facts, r.Site, ct, out _, out _))))
                return;
            // Not a Map* of ASP.NET Core (MapHub, a library's producer): what it returns can be declared.
            var chain = !map && invocation.Type is { } returned && EndpointRules.Implements(returned, "Microsoft.AspNetCore.Builder.IEndpointConventionBuilder") ? EndpointText.ChainOnResult : null;
            Report(context, NameLocation(syntax), Analysis.Handler.Of(invocation, model, ct), Methods(invocation, facts), facts.Route ?? facts.Pattern ?? "/{?}",
                library ? method.Name : null, library && StringArgument(invocation, "pattern") is null, chain);
        }

        private readonly ConcurrentDictionary<SyntaxNode, IReadOnlyList<(EndpointModel Row, IInvocationOperation? Site)>> _rows =
            new ConcurrentDictionary<SyntaxNode, IReadOnlyList<(EndpointModel, IInvocationOperation?)>>();

        private readonly ConcurrentDictionary<IMethodSymbol, IReadOnlyList<IInvocationOperation>> _maps =
            new ConcurrentDictionary<IMethodSymbol, IReadOnlyList<IInvocationOperation>>(SymbolEqualityComparer.Default);

        /// <summary>A call of a source helper: the undeclared rows of the Map calls in its body that this call decides.</summary>
        private void AnalyzeCallSite(OperationAnalysisContext context, IInvocationOperation call, IMethodSymbol helper)
        {
            var ct = context.CancellationToken;
            foreach (var map in MapsIn(helper, call.SemanticModel!, ct))
            {
                if (FactsOf(map, map.SemanticModel!, ct) is not { } facts || Declarations.Declares(facts.Levels) || FallbackTargetDeclared(map, ct)
                    || !RowsOf(map, facts, ct).Any(r => r.Site?.Syntax == call.Syntax && !Declarations.Declares(r.Row.Levels))
                    || !AtSite(map, facts, call, ct, out var chain, out var builder))
                    continue;
                // The fix puts the attribute on the handler this call hands in; on one inside the helper only when the helper has
                // this one caller in the same file (the host offers no fix for a diagnostic reported in another file).
                var handler = ParameterOf(HandlerArgument(map), helper) is { } handlerParameter && ArgumentFor(call, handlerParameter) is { } passed
                    ? Analysis.Handler.Resolve(passed.Value, call.SemanticModel!, ct)
                    : call.Syntax.SyntaxTree == map.Syntax.SyntaxTree && Callers.Of(helper, map.SemanticModel!, ct) is { Count: 1 } ? Analysis.Handler.Of(map, map.SemanticModel!, ct) : default;
                var pattern = facts.Pattern ?? (StringParameterAt(map, call, helper) is { } given ? Routes.Rooted(given) : "/{?}");
                var site = builder is null ? null : MinimalApiFacts.CallSite(call, builder, call.SemanticModel!, ct);
                var route = site is { Known: true } || site is { PrefixConstant: true, ParentParameter: null } ? Routes.Rooted(Routes.CombineGroup(site.Prefix, pattern)) : pattern;
                Report(context, NameLocation(call.Syntax), handler, Methods(map, facts), route, chain: chain);
            }
        }

        /// <summary>The table's rows of a Map call with the call each is decided at (<see cref="MinimalApiFacts.Sited"/>), read once.</summary>
        private IReadOnlyList<(EndpointModel Row, IInvocationOperation? Site)> RowsOf(IInvocationOperation map, EndpointModel facts, CancellationToken ct)
            => _rows.GetOrAdd(map.Syntax, _ =>
            {
                var read = EndpointIndex.For(_compilation).Facts(map, map.SemanticModel!, ct);
                var rows = MinimalApiFacts.Sited(read, (InvocationExpressionSyntax)map.Syntax, map, map.SemanticModel!, ct).ToList();
                // A wrapper nothing here calls has no row (ASP.NET Core maps nothing): its Map call is judged as written.
                return rows.Count > 0 ? rows : new List<(EndpointModel, IInvocationOperation?)> { (facts, null) };
            });

        /// <summary>The Map* calls in a source method's body (its local functions and lambdas included), read once per method.</summary>
        private IReadOnlyList<IInvocationOperation> MapsIn(IMethodSymbol helper, SemanticModel model, CancellationToken ct)
            => _maps.GetOrAdd(helper, _ => helper.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).Where(body => _compilation.ContainsSyntaxTree(body.SyntaxTree))
                .SelectMany(body => body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Where(s => NameToken(s.Expression) is { } name && name.ValueText.StartsWith("Map", StringComparison.Ordinal))
                    .Select(s => Callers.ModelFor(body.SyntaxTree, model).GetOperation(s, ct)).OfType<IInvocationOperation>())
                .ToList());

        /// <summary>
        /// How <paramref name="site"/>, a call of the helper mapping <paramref name="map"/>, declares the endpoint: on what it
        /// returns when that is the endpoint's builder or group, else on the group it passes (<paramref name="chain"/>: on the
        /// group it is called on), or by the handler it hands in. False when it can do none of these (it passes the app itself).
        /// </summary>
        private static bool AtSite(IInvocationOperation map, EndpointModel facts, IInvocationOperation site, CancellationToken ct,
            out string? chain, out IParameterSymbol? builder)
        {
            var helper = (site.TargetMethod.ReducedFrom ?? site.TargetMethod).OriginalDefinition;
            builder = helper.Parameters.FirstOrDefault(p => MinimalApiFacts.ParameterKey(helper, p.Ordinal) == facts.ReceiverParameter);
            var returned = facts.ReturnedGroupLevel is not null || MinimalApiFacts.ReturnsEndpoint(helper, map.Syntax, map.SemanticModel!, ct)
                || (builder is not null && MinimalApiFacts.ReturnsParameter(helper, builder.Ordinal, site.SemanticModel!, ct));
            var passed = builder is null ? null : ArgumentFor(site, builder);
            var group = passed is not null && IsGroup(Unwrap(passed.Value).Type);
            chain = returned ? EndpointText.ChainOnResult : group && IsReceiverArgument(site, passed!) ? EndpointText.ChainOnReceiver : null;
            return returned || group || ParameterOf(HandlerArgument(map), helper) is not null;
        }

        /// <summary>The caller's constant for the route pattern when the helper passes its own parameter on.</summary>
        private static string? StringParameterAt(IInvocationOperation invocation, IInvocationOperation call, IMethodSymbol helper)
            => ParameterOf(Argument(invocation, "pattern")?.Value, helper) is { } parameter
               && ArgumentFor(call, parameter)?.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;

        /// <summary>The facts of an endpoint-producing call as written (in a wrapper too), read once; null when it is no endpoint.</summary>
        private EndpointModel? FactsOf(IInvocationOperation invocation, SemanticModel model, CancellationToken ct)
            => _facts.GetOrAdd(invocation.Syntax, _ => EndpointIndex.For(_compilation).Facts(invocation, model, ct)
                ?? MinimalApiFacts.Read((InvocationExpressionSyntax)invocation.Syntax, invocation, model, ct, callSitesAreRows: false));

        private readonly ConcurrentDictionary<SyntaxNode, EndpointModel?> _facts =
            new ConcurrentDictionary<SyntaxNode, EndpointModel?>();

        private static string Methods(IInvocationOperation invocation, EndpointModel? facts)
            => facts is { HttpMethods.Count: > 0 } ? string.Join(",", facts.HttpMethods)
                : EndpointRules.MapMethods.TryGetValue((invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).Name, out var implied) && implied is not null ? implied
                : EndpointText.AnyMethod;

        /// <summary>
        /// One DAUTH001 at <paramref name="location"/>, with the fix's key type, scope and target. <paramref name="library"/>:
        /// a library producer's name (named alone, "MapIdentityApi()", when <paramref name="nameOnly"/>).
        /// </summary>
        private static void Report(OperationAnalysisContext context, Location location, Handler handler, string httpMethods, string route,
            string? library = null, bool nameOnly = false, string? chain = null)
        {
            var endpoint = library is null ? httpMethods + " " + route
                : nameOnly ? library + "()"
                : httpMethods + " " + route + " (" + library + ")";
            context.ReportDiagnostic(EndpointText.Undeclared(location, handler.FixTarget(context.CancellationToken), endpoint, httpMethods,
                EndpointText.GuessScope(route), library, chain));
        }

        /// <summary>
        /// <c>MapFallbackToController(action, controller)</c> reaches an action: its (or its controller's) declaration counts,
        /// read from the controller's endpoints as the table reads them (<see cref="ControllerFacts"/>).
        /// </summary>
        private bool FallbackTargetDeclared(IInvocationOperation invocation, CancellationToken ct)
        {
            var name = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).Name;
            if (name is not ("MapFallbackToController" or "MapFallbackToAreaController")
                || StringArgument(invocation, "action") is not { } action || StringArgument(invocation, "controller") is not { } controller)
                return false;
            return _compilation.GetSymbolsWithName(n => string.Equals(n, controller + "Controller", StringComparison.OrdinalIgnoreCase)
                                                         || string.Equals(n, controller, StringComparison.OrdinalIgnoreCase), SymbolFilter.Type)
                .OfType<INamedTypeSymbol>().Where(EndpointRules.IsController)
                .Any(type => EndpointIndex.For(_compilation).Controller(type, ct)
                    .Any(e => string.Equals(e.Action.Name, action, StringComparison.OrdinalIgnoreCase) && Declarations.Declares(e.Endpoint.Levels)));
        }
    }
}
