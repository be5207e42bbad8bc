using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.Analyzers.CodeFixes
{
    /// <summary>
    /// DAUTH011: add <c>[RequiresWorkspace]</c> to the handler (lambda, local function, method) or action, with its using
    /// directive. The attribute placement is DAUTH001's (AddAuthDeclarationCodeFixProvider), copied while that file is
    /// being reworked on another branch; merge the two into one helper once both have landed.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRequiresWorkspaceCodeFixProvider)), Shared]
    public sealed class AddRequiresWorkspaceCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH011.AddRequiresWorkspace";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.WorkspaceRouteNotScopedId);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (diagnostic.AdditionalLocations.Count == 0 || !diagnostic.AdditionalLocations[0].IsInSource)
                    continue;
                var target = diagnostic.AdditionalLocations[0];
                var document = context.Document.Project.Solution.GetDocument(target.SourceTree);
                if (document is null)
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create("Add [RequiresWorkspace]",
                        ct => AddAttributeAsync(document, target.SourceSpan, "RequiresWorkspace", null,
                            "Declarative.Auth.RequiresWorkspaceAttribute", "Declarative.Auth", ct),
                        EquivalenceKey),
                    diagnostic);
            }
            return Task.CompletedTask;
        }

        private static async Task<Solution> AddAttributeAsync(
            Document document, TextSpan span, string attributeName, string? arguments, string attributeType, string namespaceName, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (root is not CompilationUnitSyntax unit || model is null)
                return document.Project.Solution;
            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var target = node.AncestorsAndSelf().FirstOrDefault(n => n is LambdaExpressionSyntax or LocalFunctionStatementSyntax or MethodDeclarationSyntax);
            if (target is null)
                return document.Project.Solution;

            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var eol = text.ToString().Contains("\r\n") ? "\r\n" : "\n";
            var attribute = SyntaxFactory.Attribute(
                SyntaxFactory.IdentifierName(attributeName),
                arguments is null ? null : SyntaxFactory.ParseAttributeArgumentList(arguments));
            var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute));
            var needsUsing = !InScope(model, target.SpanStart, attributeType);

            SyntaxNode replacement = target switch
            {
                LambdaExpressionSyntax lambda => AddToLambda(lambda, list),
                LocalFunctionStatementSyntax local => WithAttributeList(local, local.AttributeLists, list, eol, (n, l) => ((LocalFunctionStatementSyntax)n).WithAttributeLists(l)),
                MethodDeclarationSyntax method => WithAttributeList(method, method.AttributeLists, list, eol, (n, l) => ((MethodDeclarationSyntax)n).WithAttributeLists(l)),
                _ => target,
            };
            var newUnit = unit.ReplaceNode(target, replacement);
            if (needsUsing && !newUnit.Usings.Any(u => u.Name?.ToString() == namespaceName))
            {
                var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName))
                    .NormalizeWhitespace()
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(eol));
                newUnit = newUnit.WithUsings(newUnit.Usings.Add(directive));
            }
            return document.WithSyntaxRoot(newUnit).Project.Solution;
        }

        /// <summary>Whether the attribute type already binds at <paramref name="position"/> (usings, global usings).</summary>
        private static bool InScope(SemanticModel model, int position, string attributeType)
        {
            var simpleName = attributeType.Substring(attributeType.LastIndexOf('.') + 1);
            return model.LookupNamespacesAndTypes(position, name: simpleName)
                .Any(s => s.ToDisplayString() == attributeType);
        }

        /// <summary>[A] before the lambda; a single-parameter lambda gets parentheses, which attributes require.</summary>
        private static SyntaxNode AddToLambda(LambdaExpressionSyntax lambda, AttributeListSyntax list)
        {
            var leading = lambda.GetLeadingTrivia();
            var spaced = list.WithTrailingTrivia(SyntaxFactory.Space);
            switch (lambda)
            {
                case ParenthesizedLambdaExpressionSyntax parenthesized:
                {
                    var stripped = parenthesized.WithoutLeadingTrivia();
                    return stripped.WithAttributeLists(stripped.AttributeLists.Insert(0, spaced)).WithLeadingTrivia(leading);
                }
                case SimpleLambdaExpressionSyntax simple:
                {
                    var stripped = simple.WithoutLeadingTrivia();
                    var parameter = stripped.Parameter;
                    var converted = SyntaxFactory.ParenthesizedLambdaExpression(
                            SyntaxFactory.List(stripped.AttributeLists.Insert(0, spaced)),
                            stripped.Modifiers,
                            null,
                            SyntaxFactory.ParameterList(SyntaxFactory.SingletonSeparatedList(parameter.WithoutTrailingTrivia()))
                                .WithTrailingTrivia(parameter.GetTrailingTrivia()),
                            stripped.Block,
                            stripped.ExpressionBody)
                        .WithArrowToken(stripped.ArrowToken);
                    return converted.WithLeadingTrivia(leading);
                }
                default:
                    return lambda;
            }
        }

        /// <summary>[A] on its own line above a method or local function, at the declaration's indentation.</summary>
        private static SyntaxNode WithAttributeList(
            SyntaxNode declaration, SyntaxList<AttributeListSyntax> existing, AttributeListSyntax list, string eol,
            System.Func<SyntaxNode, SyntaxList<AttributeListSyntax>, SyntaxNode> with)
        {
            var leading = declaration.GetLeadingTrivia();
            var indentation = leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().ToList();
            var placed = list.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(eol)).AddRange(indentation));
            var stripped = declaration.WithoutLeadingTrivia();
            var lists = existing.Count == 0 ? default(SyntaxList<AttributeListSyntax>) : ((SyntaxList<AttributeListSyntax>)GetLists(stripped));
            return with(stripped, lists.Insert(0, placed));
        }

        private static SyntaxList<AttributeListSyntax> GetLists(SyntaxNode node) => node switch
        {
            LocalFunctionStatementSyntax local => local.AttributeLists,
            MethodDeclarationSyntax method => method.AttributeLists,
            _ => default,
        };
    }
}
