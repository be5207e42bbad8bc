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
        private static readonly string[] s_conventionalRoutes = { "MapControllerRoute", "MapAreaControllerRoute", "MapDefaultControllerRoute" };

        private readonly EndpointIndex _index;

        public ControllerEndpoints(Compilation compilation)
        {
            _index = EndpointIndex.For(compilation);
        }

        /// <summary>Any <c>MapControllers()</c> call's conventions (its fluent calls, inline or on a local, and its groups) declare.</summary>
        private bool MapControllersDeclared(CancellationToken ct)
            => _index.Conventions(ct).Any(c => c.Method == EndpointRules.MapControllersMethod && MinimalApiEndpoints.Declares(c.Conventions.Levels));

        /// <summary>Conventional routes cover the actions without attribute routes when every one of them declares.</summary>
        private bool ConventionalRoutesDeclared(CancellationToken ct)
            => _index.Conventions(ct).Where(c => Array.IndexOf(s_conventionalRoutes, c.Method) >= 0).ToList() is { Count: > 0 } all
               && all.All(c => MinimalApiEndpoints.Declares(c.Conventions.Levels));

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var ct = context.CancellationToken;
            // app.MapControllers().RequireAuthorization() / .RequireKey(...) covers every controller.
            if (!EndpointRules.IsController(type) || EndpointRules.DeclarationOf(type) != DeclarationKind.None || MapControllersDeclared(ct))
                return;
            var controllerName = type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;

            // One diagnostic per action (its first route, MVC's first selector), even when several land on the class's name.
            foreach (var site in EndpointSite.OfController(type, _index, ct))
            {
                var endpoint = site.Facts;
                // No attribute route: reached only through conventional routes, which may all be declared.
                if (MinimalApiEndpoints.Declares(endpoint.Levels) || (endpoint.RouteKind == RouteKind.Conventional && ConventionalRoutesDeclared(ct)))
                    continue;
                var httpMethods = endpoint.HttpMethods.Count == 0 ? EndpointText.AnyMethod : string.Join(",", endpoint.HttpMethods);
                var display = endpoint.Route is null ? httpMethods + " " + endpoint.Handler : httpMethods + " " + endpoint.Route + " (" + endpoint.Handler + ")";
                context.ReportDiagnostic(EndpointText.Undeclared(site.Location, site.FixTarget, display, httpMethods, EndpointText.GuessScope(endpoint.Route, controllerName)));
            }
        }
    }
}
