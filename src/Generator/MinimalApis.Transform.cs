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

        public static EndpointModel? Transform(GeneratorSyntaxContext context, CancellationToken cancellationToken)
            => context.SemanticModel.GetOperation(context.Node, cancellationToken) is IInvocationOperation operation
                ? MinimalApiFacts.Read((InvocationExpressionSyntax)context.Node, operation, context.SemanticModel, cancellationToken)
                : null;

        public static bool IsMapControllersCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is InvocationExpressionSyntax invocation && Operations.NameToken(invocation.Expression) is { ValueText: EndpointRules.MapControllersMethod };

        public static ControllerConventionsModel? ControllerConventions(GeneratorSyntaxContext context, CancellationToken cancellationToken)
            => MinimalApiFacts.ControllerConventions((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellationToken);

        /// <summary>
        /// Cheap syntactic filter for call sites, by name: methods that map endpoints on a builder they are given
        /// follow ASP.NET Core's <c>MapXxx</c> convention (or name routes/endpoints). Binding every invocation of
        /// the project on each edit would cost the IDE too much; a method named otherwise keeps its rows'
        /// routes unknown.
        /// </summary>
        public static bool IsCallSiteCandidate(SyntaxNode node, CancellationToken cancellationToken)
        {
            if (node is not InvocationExpressionSyntax invocation || Operations.NameToken(invocation.Expression) is not { } token)
                return false;
            var name = token.ValueText;
            if (EndpointRules.MapMethods.ContainsKey(name) || name == EndpointRules.MapGroupMethod || name == EndpointRules.MapControllersMethod)
                return false;
            return name.StartsWith("Map", System.StringComparison.Ordinal)
                   || name.IndexOf("Endpoint", System.StringComparison.Ordinal) >= 0
                   || name.IndexOf("Route", System.StringComparison.Ordinal) >= 0;
        }

        public static EquatableArray<CallSiteModel> CallSites(GeneratorSyntaxContext context, CancellationToken cancellationToken)
            => MinimalApiFacts.CallSites((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellationToken);
    }
}
