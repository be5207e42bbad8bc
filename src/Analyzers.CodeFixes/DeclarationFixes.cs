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
    /// <summary>DAUTH004: remove the scope given to KeyType.Admin (<c>Scope = "x"</c>, or RequireKey's scope argument).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAdminScopeCodeFixProvider)), Shared]
    public sealed class RemoveAdminScopeCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH004.RemoveScope";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.AdminWithScope.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                SyntaxNode? newRoot = node.Parent switch
                {
                    AttributeArgumentSyntax argument when argument.Parent is AttributeArgumentListSyntax list
                        => root.ReplaceNode(list, list.WithArguments(list.Arguments.Remove(argument))),
                    ArgumentSyntax argument when argument.Parent is ArgumentListSyntax list
                        => root.ReplaceNode(list, list.WithArguments(list.Arguments.Remove(argument))),
                    AssignmentExpressionSyntax assignment when assignment.Parent is InitializerExpressionSyntax initializer
                        => root.ReplaceNode(initializer, initializer.WithExpressions(initializer.Expressions.Remove(assignment))),
                    _ => null,
                };
                if (newRoot is null)
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create("Remove the scope (admin grants everything)", _ => Task.FromResult(context.Document.WithSyntaxRoot(newRoot)), EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>DAUTH006: write the key type the HTTP method suggests (KeyType.Read for GET/HEAD, KeyType.Delete for DELETE).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChangeKeyTypeCodeFixProvider)), Shared]
    public sealed class ChangeKeyTypeCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH006.ChangeKeyType";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.KeyTypeDoesNotFitMethod.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DeclarationAnalyzer.ExpectedKeyTypeProperty, out var expected) || expected is null)
                    continue;
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var expression = node switch
                {
                    AttributeArgumentSyntax a => a.Expression,
                    ArgumentSyntax a => a.Expression,
                    ExpressionSyntax e => e,
                    _ => null,
                };
                // KeyType.Write / Declarative.Auth.KeyType.Write: replace the member name, keeping the qualifier.
                if (expression is not MemberAccessExpressionSyntax access)
                    continue;
                var newRoot = root.ReplaceNode(access.Name, SyntaxFactory.IdentifierName(expected).WithTriviaFrom(access.Name));
                context.RegisterCodeFix(
                    CodeAction.Create($"Use KeyType.{expected}", _ => Task.FromResult(context.Document.WithSyntaxRoot(newRoot)), EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
