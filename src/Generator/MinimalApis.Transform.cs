using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Generator
{
    /// <summary>The pipeline's syntactic filters and transforms for minimal APIs; the facts come from <see cref="MinimalApiFacts"/>.</summary>
    internal static class MinimalApisTransform
    {
        /// <summary>Cheap syntactic filter: an invocation whose name is one of the Map* names.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is InvocationExpressionSyntax invocation
               && Operations.NameToken(invocation.Expression) is { } name
               && (EndpointRules.MapMethods.ContainsKey(name.ValueText) || EndpointRules.OtherEndpointMethods.ContainsKey(name.ValueText)
                   || (name.ValueText.StartsWith("Map", System.StringComparison.Ordinal) && name.ValueText != EndpointRules.MapGroupMethod));

        /// <summary>The rows of one Map call, read with the tree's one shared model (<see cref="Callers.ModelFor"/>).</summary>
        public static EquatableArray<EndpointModel> Transform(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var model = Callers.GeneratorModelFor(context.Node.SyntaxTree, context.SemanticModel.Compilation);
            return model.GetOperation(context.Node, cancellationToken) is IInvocationOperation operation
                ? MinimalApiFacts.Rows((InvocationExpressionSyntax)context.Node, operation, model, cancellationToken).ToEquatableArray()
                : EquatableArray<EndpointModel>.Empty;
        }

        public static bool IsMapControllersCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is InvocationExpressionSyntax invocation && Operations.NameToken(invocation.Expression) is { ValueText: EndpointRules.MapControllersMethod };

        public static ControllerConventionsModel? ControllerConventions(GeneratorSyntaxContext context, CancellationToken cancellationToken)
            => MinimalApiFacts.ControllerConventions((InvocationExpressionSyntax)context.Node, Callers.GeneratorModelFor(context.Node.SyntaxTree, context.SemanticModel.Compilation), cancellationToken);
    }
}
