using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for an endpoint mapped inside a helper whose callers decide its declaration: the table's rows of the Map
    /// call (<see cref="MinimalApiFacts.Sited"/>) each name the call of the helper they are decided at. An undeclared row
    /// is reported at that call, with the caller's route, while the call is analyzed (so the host offers the fix in the
    /// caller's file); at the Map call when no call decides it (a library's public API), or when the call passes the app
    /// itself (only the helper can declare that endpoint).
    /// </summary>
    internal sealed partial class MinimalApiEndpoints
    {
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
                if (FactsOf(map, map.SemanticModel!, ct) is not { } facts || Declarations.Declares(facts.Levels) || FallbackTargetDeclared(map)
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
    }
}
