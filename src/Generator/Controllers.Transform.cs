using System;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Auth.Generator
{
    /// <summary>The pipeline's filter and transform for controllers; the facts come from <see cref="ControllerFacts"/>.</summary>
    internal static class ControllersTransform
    {
        /// <summary>
        /// Cheap syntactic filter: a class that can be a controller by name, or by an attribute or base class
        /// ([Controller] is inherited).
        /// </summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is ClassDeclarationSyntax type
               && (type.BaseList is not null || type.AttributeLists.Count > 0
                   || type.Identifier.ValueText.EndsWith("Controller", StringComparison.OrdinalIgnoreCase));

        public static ControllerModel? Transform(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type
                || !EndpointRules.IsController(type))
                return null;
            // A partial controller is handled once, at its first declaration.
            var first = type.DeclaringSyntaxReferences.FirstOrDefault();
            if (first is null || first.SyntaxTree != context.Node.SyntaxTree || first.Span != context.Node.Span)
                return null;
            return new ControllerModel(type.ToDisplayString(), ControllerFacts.Endpoints(type, cancellationToken).Select(e => e.Endpoint).ToEquatableArray());
        }
    }
}
