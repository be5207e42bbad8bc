using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Auth.Analyzers.CodeFixes
{
    /// <summary>
    /// DAUTH002 (unknown scope, when a declared one is close) and DAUTH005 (malformed scope): replace the string
    /// literal with the suggested scope. No fix when the scope is not a literal (a const elsewhere).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceScopeCodeFixProvider)), Shared]
    public sealed class ReplaceScopeCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH002.ReplaceScope";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.UnknownScope.Id, DiagnosticDescriptors.MalformedScope.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(ScopeText.SuggestionProperty, out var suggestion) || suggestion is null)
                    continue;
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                    || !literal.IsKind(SyntaxKind.StringLiteralExpression))
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use scope '{suggestion}'",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal,
                            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion)).WithTriviaFrom(literal)))),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
