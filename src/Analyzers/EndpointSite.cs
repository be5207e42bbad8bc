using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// One endpoint as the tenant-isolation and key-class rules look at it: the shared analysis layer's facts
    /// (<see cref="MinimalApiFacts"/>, <see cref="ControllerFacts"/>), resolved by the shared precedence rule, plus what
    /// a diagnostic and its fix need in source — the handler method, where to report, and where declarations are written.
    /// </summary>
    /// <param name="Handler">The lambda's, method's or action's symbol; null when not visible (a delegate parameter...).</param>
    /// <param name="Location">The Map call's name, or the action's name (the controller's when the action is inherited).</param>
    /// <param name="FixTarget">Where an attribute for the handler goes (<see cref="Analysis.Handler.FixTarget"/>).</param>
    /// <param name="Invocation">The Map call, for its fluent chain; null for controller actions.</param>
    internal sealed record EndpointSite(EndpointModel Facts, ResolvedDeclaration Resolved, IMethodSymbol? Handler, Location Location,
        (Location Location, string Kind)? FixTarget, IInvocationOperation? Invocation, INamedTypeSymbol? Controller)
    {
        public bool ApiController => Controller is not null && EndpointRules.HasAttribute(Controller, "Microsoft.AspNetCore.Mvc.ApiControllerAttribute", inherit: true);

        /// <summary>The route as far as the build knows it (the pattern alone when a prefix is unknown).</summary>
        public string? Route => Facts.Route ?? Facts.Pattern;

        public string Display => (Facts.HttpMethods.Count == 0 ? EndpointText.AnyMethod : string.Join(",", Facts.HttpMethods)) + " "
                                 + (Route ?? Facts.Handler);

        /// <summary>The endpoint of a Map call (MapGet, MapPost, ... MapMethods, Map); null for anything else.</summary>
        public static EndpointSite? OfInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!EndpointRules.IsMapEndpointMethod(invocation.TargetMethod) || invocation.Syntax is not InvocationExpressionSyntax syntax
                || invocation.SemanticModel is not { } model)
                return null;
            var ct = context.CancellationToken;
            var index = EndpointIndex.For(model.Compilation);
            return index.Site(syntax, () =>
            {
                if (index.Facts(invocation, model, ct) is not { } facts)
                    return null;
                var handler = Analysis.Handler.Of(invocation, model, ct);
                return new EndpointSite(facts, Declarations.Resolve(facts.Levels), handler.Method, Operations.NameLocation(syntax), handler.FixTarget(ct), invocation, null);
            });
        }

        /// <summary>
        /// The endpoints of a controller's actions, one per action (its first selector, as DAUTH001 reports), with the
        /// conventions of <c>MapControllers()</c> as the outermost level.
        /// </summary>
        public static IEnumerable<EndpointSite> OfController(INamedTypeSymbol type, EndpointIndex index, CancellationToken ct)
        {
            if (type.ContainingType is not null || !EndpointRules.IsController(type))
                yield break;
            var typeLocation = type.Locations.FirstOrDefault(l => l.IsInSource);
            if (typeLocation is null)
                yield break;
            var conventions = ControllerConventions(index, ct);
            foreach (var group in index.Controller(type, ct).GroupBy(e => e.Action, SymbolEqualityComparer.Default))
            {
                var (action, endpoint) = group.First();
                var levels = conventions.Concat(endpoint.Levels).ToEquatableArray();
                var facts = endpoint with { Levels = levels };
                var own = SymbolEqualityComparer.Default.Equals(action.ContainingType.OriginalDefinition, type.OriginalDefinition);
                var actionLocation = action.OriginalDefinition.Locations.FirstOrDefault(l => l.IsInSource);
                yield return new EndpointSite(facts, Declarations.Resolve(levels), action,
                    own && actionLocation is not null ? actionLocation : typeLocation,
                    actionLocation is null ? null : (actionLocation, Analysis.Handler.TargetMethod), null, type);
            }
        }

        /// <summary>
        /// Runs <paramref name="check"/> on every endpoint of the compilation: each Map call as it is analyzed, and each
        /// controller's actions (with the <c>MapControllers()</c> conventions, read once). A controller-level
        /// declaration is one location for all its actions, so the same diagnostic there is reported once.
        /// </summary>
        public static void RegisterSites(CompilationStartAnalysisContext start, Action<EndpointSite, Action<Diagnostic>, CancellationToken> check)
        {
            var types = new KnownTypes(start.Compilation);
            if (types.HasRouting)
            {
                start.RegisterOperationAction(c =>
                {
                    if (OfInvocation(c) is { } site)
                        check(site, c.ReportDiagnostic, c.CancellationToken);
                }, OperationKind.Invocation);
            }
            if (types.HasMvc)
            {
                var index = EndpointIndex.For(start.Compilation);
                start.RegisterSymbolAction(c =>
                {
                    var seen = new HashSet<(string, Location)>();
                    foreach (var site in OfController((INamedTypeSymbol)c.Symbol, index, c.CancellationToken))
                        check(site, d => { if (seen.Add((d.Id, d.Location))) c.ReportDiagnostic(d); }, c.CancellationToken);
                }, SymbolKind.NamedType);
            }
        }

        /// <summary>The levels <c>MapControllers()</c>'s fluent calls add (the first such call that declares anything).</summary>
        private static IReadOnlyList<LevelModel> ControllerConventions(EndpointIndex index, CancellationToken ct)
        {
            foreach (var (method, conventions) in index.Conventions(ct))
            {
                if (method == EndpointRules.MapControllersMethod && conventions.Levels.Any(l => l.Items.Count > 0))
                    return conventions.Levels;
            }
            return Array.Empty<LevelModel>();
        }

        /// <summary>
        /// Where an item of <paramref name="kinds"/> is written for this endpoint, nearest first: an attribute on the handler
        /// or action, a call on the endpoint's own chain, an attribute on the controller. Null when it comes from a
        /// group or a convention (reported on the endpoint, without a fix).
        /// </summary>
        public Location? DeclarationOf(CancellationToken ct, params DeclarationItemKind[] kinds)
        {
            for (var method = Handler; method is not null; method = method.OverriddenMethod)
            {
                if (AttributeOf(method.GetAttributes(), kinds, ct) is { } attribute)
                    return attribute;
            }
            if (Invocation is not null)
            {
                foreach (var call in Operations.Downstream(Invocation))
                {
                    var level = new Declarations.Level();
                    Declarations.AddFluent(call, level);
                    if (level.Items.Any(i => Array.IndexOf(kinds, i.Kind) >= 0) && call.Syntax is InvocationExpressionSyntax callSyntax)
                        return Operations.NameLocation(callSyntax);
                }
            }
            for (var type = Controller; type is not null; type = type.BaseType)
            {
                if (AttributeOf(type.GetAttributes(), kinds, ct) is { } attribute)
                    return attribute;
            }
            return null;
        }

        private static Location? AttributeOf(IEnumerable<AttributeData> attributes, DeclarationItemKind[] kinds, CancellationToken ct)
            => attributes.Where(a => EndpointRules.KindOf(a.AttributeClass) is { } kind && Array.IndexOf(kinds, kind) >= 0)
                .Select(a => a.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation()).FirstOrDefault(l => l is not null);
    }
}
