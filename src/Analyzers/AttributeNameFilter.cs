using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Decides from syntax alone whether an attribute can be one of ours, before anything is bound. Binding an
    /// attribute on a lambda or in a method body binds the whole member; the attribute actions see every
    /// <c>[HttpGet]</c>, <c>[Route]</c> and <c>[FromBody]</c> of the project, so the analyzers bound far more than
    /// they read. Our attribute classes are sealed, so the written name is the class name, unless a using alias
    /// renames it: then (in any file, since aliases may be global) every attribute is bound, as before.
    /// </summary>
    internal sealed class AttributeNameFilter(HashSet<string> names, bool aliases)
    {
        public static AttributeNameFilter For(Compilation compilation, IEnumerable<string> metadataNames, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var metadataName in metadataNames)
            {
                var name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
                names.Add(name);
                if (name.EndsWith("Attribute", System.StringComparison.Ordinal))
                    names.Add(name.Substring(0, name.Length - "Attribute".Length));
            }
            return new AttributeNameFilter(names, HasUsingAliases(compilation, cancellationToken));
        }

        public bool MayBe(AttributeSyntax attribute) => aliases || names.Contains(RightmostName(attribute.Name));

        /// <summary>
        /// The attribute as its owner's symbol holds it: bound once with the declaration and shared by every analyzer,
        /// where binding the syntax again (GetSymbolInfo) binds it anew for each analyzer and attribute. Null when the
        /// owner is not a symbol read here (a return or field target...): the caller then binds the syntax.
        /// </summary>
        public static AttributeData? Bound(AttributeSyntax syntax, ISymbol? owner)
            => owner?.GetAttributes().FirstOrDefault(a => a.ApplicationSyntaxReference is { } reference
                && reference.SyntaxTree == syntax.SyntaxTree && reference.Span == syntax.Span);

        /// <summary>The symbol an attribute is written on (a lambda, member, local function, assembly...); null for a return, field, property or param target.</summary>
        public static ISymbol? Owner(AttributeSyntax syntax, SemanticModel model, CancellationToken ct)
        {
            if (syntax.Parent is not AttributeListSyntax list || list.Target?.Identifier.ValueText is "return" or "field" or "property" or "param")
                return null;
            return list.Parent switch
            {
                LambdaExpressionSyntax lambda => model.GetSymbolInfo(lambda, ct).Symbol,
                CompilationUnitSyntax => list.Target?.Identifier.ValueText == "module" ? model.Compilation.SourceModule : model.Compilation.Assembly,
                { } other => model.GetDeclaredSymbol(other, ct),
                _ => null,
            };
        }

        private static string RightmostName(NameSyntax name) => name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };

        // Usings sit at the top of a file or of a namespace: only those levels are walked, never type bodies.
        private static bool HasUsingAliases(Compilation compilation, CancellationToken cancellationToken)
            => compilation.SyntaxTrees.Any(tree => tree.GetRoot(cancellationToken)
                .DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
                .OfType<UsingDirectiveSyntax>()
                .Any(u => u.Alias is not null));
    }
}
