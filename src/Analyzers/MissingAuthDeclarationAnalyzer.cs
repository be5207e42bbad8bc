using System;
using System.Collections.Immutable;
using System.Linq;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001: reports every endpoint (minimal-API <c>Map*</c> call, controller action) that has no auth
    /// declaration on its handler, its chain, an enclosing route group, its action or its controller.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingAuthDeclarationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.EndpointHasNoAuthDeclaration);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var types = new KnownTypes(start.Compilation);
                if (types.HasRouting)
                {
                    var minimal = new MinimalApiEndpoints(start.Compilation);
                    start.RegisterOperationAction(minimal.AnalyzeInvocation, OperationKind.Invocation);
                }
                if (types.HasMvc)
                {
                    var index = EndpointIndex.For(start.Compilation);
                    start.RegisterSymbolAction(c => AnalyzeController(c, index), SymbolKind.NamedType);
                }
            });
        }

        /// <summary>
        /// DAUTH001 for controllers, a view of <see cref="ControllerFacts"/>. A controller (MVC's rule) is declared as a
        /// whole by an auth attribute on it or on any base class; otherwise each action (MVC's rule, inherited actions
        /// included) must carry one itself (or on the base method it overrides). An undeclared action declared in the
        /// controller is reported on its name; one inherited from a base class is reported on the derived controller's
        /// name, once per action, because the base class alone is not an endpoint and another controller deriving
        /// from it may well be declared. A declaration on <c>app.MapControllers()</c> covers every controller.
        /// </summary>
        private static void AnalyzeController(SymbolAnalysisContext context, EndpointIndex index)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var ct = context.CancellationToken;
            // app.MapControllers().RequireAuthorization() / .RequireKey(...) covers every controller (its fluent calls, inline or on a local, and its groups).
            if (!EndpointRules.IsController(type) || EndpointRules.DeclarationOf(type) != DeclarationKind.None
                || index.Conventions(ct).Any(c => c.Method == EndpointRules.MapControllersMethod && Declarations.Declares(c.Conventions.Levels)))
                return;
            var controllerName = type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;

            // One diagnostic per action (its first route, MVC's first selector), even when several land on the class's name.
            foreach (var site in EndpointSite.OfController(type, index, ct))
            {
                var endpoint = site.Facts;
                // No attribute route: reached only through conventional routes, which are covered when every one of them declares.
                if (Declarations.Declares(endpoint.Levels) || (endpoint.RouteKind == RouteKind.Conventional
                    && index.Conventions(ct).Where(c => c.Method != EndpointRules.MapControllersMethod).ToList() is { Count: > 0 } routes
                    && routes.All(c => Declarations.Declares(c.Conventions.Levels))))
                    continue;
                var httpMethods = endpoint.HttpMethods.Count == 0 ? EndpointText.AnyMethod : string.Join(",", endpoint.HttpMethods);
                var display = endpoint.Route is null ? httpMethods + " " + endpoint.Handler : httpMethods + " " + endpoint.Route + " (" + endpoint.Handler + ")";
                context.ReportDiagnostic(EndpointText.Undeclared(site.Location, site.FixTarget, display, httpMethods, EndpointText.GuessScope(endpoint.Route, controllerName)));
            }
        }
    }

    /// <summary>Well-known types, resolved once per compilation.</summary>
    internal sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
        {
            HasRouting = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Routing.IEndpointRouteBuilder") is not null;
            HasMvc = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerBase") is not null;
            RequiresKeyAttribute = compilation.GetTypeByMetadataName(EndpointRules.RequiresKeyAttribute);
        }

        public INamedTypeSymbol? RequiresKeyAttribute { get; }

        /// <summary>Minimal APIs are possible: ASP.NET Core routing is referenced.</summary>
        public bool HasRouting { get; }

        /// <summary>
        /// Controllers are possible: MVC is referenced. Without it a class that merely ends in "Controller" is
        /// no endpoint, and reporting its methods would be a false positive.
        /// </summary>
        public bool HasMvc { get; }
    }
}
