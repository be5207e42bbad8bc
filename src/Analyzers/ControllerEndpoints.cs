using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for controllers, a view of <see cref="ControllerFacts"/>. A controller (MVC's rule) is declared as a
    /// whole by an auth attribute on it or on any base class; otherwise each action (MVC's rule, inherited actions
    /// included) must carry one itself (or on the base method it overrides). An undeclared action declared in the
    /// controller is reported on its name; one inherited from a base class is reported on the derived controller's
    /// name, once per action, because the base class alone is not an endpoint and another controller deriving
    /// from it may well be declared. A declaration on <c>app.MapControllers()</c> covers every controller.
    /// </summary>
    internal sealed class ControllerEndpoints
    {
        private readonly Lazy<bool> _mapControllersDeclared;
        private readonly Lazy<bool> _conventionalRoutesDeclared;

        public ControllerEndpoints(Compilation compilation, CancellationToken ct)
        {
            _mapControllersDeclared = new Lazy<bool>(() => Conventions(compilation, ct, "MapControllers").Contains(true), LazyThreadSafetyMode.ExecutionAndPublication);
            // Conventional routes cover the actions without attribute routes when every one of them declares.
            _conventionalRoutesDeclared = new Lazy<bool>(
                () => Conventions(compilation, ct, "MapControllerRoute", "MapAreaControllerRoute", "MapDefaultControllerRoute") is { Count: > 0 } all && !all.Contains(false),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// For each call of MVC's <paramref name="names"/> in the compilation: whether its conventions (its fluent calls,
        /// inline or on a local, and its groups) declare, read as the generator reads <c>MapControllers()</c>. Computed
        /// once per compilation, lazily; only the trees holding such a call are bound.
        /// </summary>
        private static List<bool> Conventions(Compilation compilation, CancellationToken ct, params string[] names)
        {
            var result = new List<bool>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                SemanticModel? model = null;
                foreach (var invocation in tree.GetRoot(ct).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (Operations.NameToken(invocation.Expression) is not { } name || Array.IndexOf(names, name.ValueText) < 0)
                        continue;
#pragma warning disable RS1030 // The calls live in other files than the controller; the driver's model cache serves this.
                    model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    if (MinimalApiFacts.ControllerConventions(invocation, model, ct) is { } conventions)
                        result.Add(MinimalApiEndpoints.Declares(conventions.Levels));
                }
            }
            return result;
        }

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            // MVC only discovers top-level public types (Type.IsPublic is false for nested types).
            if (type.ContainingType is not null || !EndpointRules.IsController(type) || EndpointRules.DeclarationOf(type) != DeclarationKind.None)
                return;
            // app.MapControllers().RequireAuthorization() / .RequireKey(...) covers every controller.
            var typeLocation = type.Locations.FirstOrDefault(l => l.IsInSource);
            if (typeLocation is null || _mapControllersDeclared.Value)
                return;
            var controllerName = type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;

            // One diagnostic per action: its first route (MVC's first selector).
            foreach (var group in ControllerFacts.Endpoints(type, context.CancellationToken).GroupBy(e => e.Action, SymbolEqualityComparer.Default))
            {
                var (action, endpoint) = group.First();
                if (endpoint.Levels.Any(l => l.IsMethod && l.Items.Any(i => i.Kind is not (DeclarationItemKind.Workspace or DeclarationItemKind.OrAuthorization))))
                    continue;
                // No attribute route: reached only through conventional routes, which may all be declared.
                if (endpoint.RouteKind == RouteKind.Conventional && _conventionalRoutesDeclared.Value)
                    continue;
                var httpMethods = endpoint.HttpMethods.Count == 0 ? EndpointText.AnyMethod : string.Join(",", endpoint.HttpMethods);
                var keyType = EndpointText.GuessKeyType(httpMethods);
                var scope = EndpointText.GuessScope(endpoint.Route, controllerName);
                var display = endpoint.Route is null ? httpMethods + " " + endpoint.Handler : httpMethods + " " + endpoint.Route + " (" + endpoint.Handler + ")";

                var own = SymbolEqualityComparer.Default.Equals(action.ContainingType.OriginalDefinition, type.OriginalDefinition);
                var actionLocation = action.OriginalDefinition.Locations.FirstOrDefault(l => l.IsInSource);
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(EndpointText.KeyTypeProperty, keyType)
                    .Add(EndpointText.ScopeProperty, scope);
                if (actionLocation is not null)
                    properties = properties.Add(EndpointText.TargetProperty, Handler.TargetMethod);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.EndpointHasNoAuthDeclaration,
                    own && actionLocation is not null ? actionLocation : typeLocation,
                    actionLocation is null ? null : new[] { actionLocation },
                    properties,
                    display, DiagnosticDescriptors.AddAttributeFix(keyType, scope)));
            }
        }
    }
}
