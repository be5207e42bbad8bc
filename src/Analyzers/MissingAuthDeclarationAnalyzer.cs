using System.Collections.Immutable;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

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
                    var controllers = new ControllerEndpoints(start.Compilation);
                    start.RegisterSymbolAction(controllers.AnalyzeType, SymbolKind.NamedType);
                }
            });
        }
    }

    /// <summary>Well-known types, resolved once per compilation.</summary>
    internal sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
        {
            EndpointRouteBuilder = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");
            ControllerBase = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerBase");
            RequiresKeyAttribute = compilation.GetTypeByMetadataName(EndpointRules.RequiresKeyAttribute);
        }

        public INamedTypeSymbol? EndpointRouteBuilder { get; }
        public INamedTypeSymbol? ControllerBase { get; }
        public INamedTypeSymbol? RequiresKeyAttribute { get; }

        /// <summary>Minimal APIs are possible: ASP.NET Core routing is referenced.</summary>
        public bool HasRouting => EndpointRouteBuilder is not null;

        /// <summary>
        /// Controllers are possible: MVC is referenced. Without it a class that merely ends in "Controller" is
        /// no endpoint, and reporting its methods would be a false positive.
        /// </summary>
        public bool HasMvc => ControllerBase is not null;
    }
}
