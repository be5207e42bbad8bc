using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analysis
{
    /// <summary>
    /// The app's permission catalog, <c>[assembly: PermissionScope(scope, description)]</c>, read the same way for the
    /// analyzers (DAUTH002's known scopes) and the generator (the docs' descriptions).
    /// </summary>
    internal static class PermissionScopes
    {
        public const string AttributeName = "Declarative.Auth.PermissionScopeAttribute";

        /// <summary>Each attribute's scope and description (null when not a constant string), in declaration order.</summary>
        public static IEnumerable<(string Scope, string? Description)> Of(Compilation compilation)
        {
            foreach (var attribute in compilation.Assembly.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == AttributeName && attribute.ConstructorArguments.Length > 0
                    && attribute.ConstructorArguments[0].Value is string scope)
                    yield return (scope, attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string : null);
            }
        }
    }
}
