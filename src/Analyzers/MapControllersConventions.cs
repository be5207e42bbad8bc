using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Whether the app declares every controller at once with <c>app.MapControllers().RequireAuthorization()</c>
    /// (or <c>.RequireKey(...)</c>, <c>.AllowAnonymous()</c>), inline or through a local in the same block.
    /// </summary>
    /// <remarks>
    /// Computed once per compilation, lazily (only when a controller is analysed), from syntax alone: the
    /// trees are already parsed, nothing is bound, and an analyzer may not ask the compilation for semantic
    /// models. Only calls named <c>MapControllers()</c> with no arguments are considered.
    /// </remarks>
    internal static class MapControllersConventions
    {
        public static bool AnyDeclared(Compilation compilation, CancellationToken ct)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot(ct).DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax invocation && NameOf(invocation) == "MapControllers"
                        && invocation.ArgumentList.Arguments.Count == 0 && IsDeclared(invocation))
                        return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Whether the app maps conventional routes (<c>MapControllerRoute</c>, <c>MapAreaControllerRoute</c>,
        /// <c>MapDefaultControllerRoute</c>) and declares every one of them, e.g.
        /// <c>app.MapDefaultControllerRoute().RequireAuthorization()</c>. Such a declaration covers the actions
        /// that have no attribute route (those are the ones conventional routes reach), not attribute-routed ones.
        /// </summary>
        public static bool AllConventionalRoutesDeclared(Compilation compilation, CancellationToken ct)
        {
            var any = false;
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot(ct).DescendantNodes())
                {
                    if (node is not InvocationExpressionSyntax invocation
                        || NameOf(invocation) is not ("MapControllerRoute" or "MapAreaControllerRoute" or "MapDefaultControllerRoute"))
                        continue;
                    if (!IsDeclared(invocation))
                        return false;
                    any = true;
                }
            }
            return any;
        }

        private static bool IsDeclared(InvocationExpressionSyntax mapControllers)
        {
            if (ChainDeclares(mapControllers))
                return true;
            // var controllers = app.MapControllers(); ... controllers.RequireAuthorization();
            if (mapControllers.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator })
            {
                var name = declarator.Identifier.ValueText;
                var scope = (SyntaxNode?)declarator.FirstAncestorOrSelf<BlockSyntax>() ?? declarator.SyntaxTree.GetRoot();
                foreach (var node in scope.DescendantNodes())
                {
                    if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name && ChainDeclares(identifier))
                        return true;
                }
            }
            return false;
        }

        private static bool ChainDeclares(ExpressionSyntax expression)
        {
            var current = expression;
            while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current
                   && access.Parent is InvocationExpressionSyntax next)
            {
                switch (access.Name.Identifier.ValueText)
                {
                    case "RequireAuthorization":
                    case "RequireKey":
                    case "AllowAnonymous":
                        return true;
                }
                current = next;
            }
            return false;
        }

        private static string? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => null,
        };
    }
}
