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
    /// DAUTH003: two actions, remove the key requirement (the diagnostic's location) or remove the AllowAnonymous
    /// (its additional location). An attribute is removed from its list (the list too when it was alone, its line
    /// too when it stood alone); a fluent call <c>x.RequireKey(...)</c> becomes <c>x</c>, or disappears with its
    /// statement when nothing else is left of it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveContradictionCodeFixProvider)), Shared]
    public sealed class RemoveContradictionCodeFixProvider : CodeFixProvider
    {
        public const string RemoveKeyEquivalenceKey = "DAUTH003.RemoveRequiresKey";
        public const string RemoveAnonymousEquivalenceKey = "DAUTH003.RemoveAllowAnonymous";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.ContradictoryDeclarations.Id);

        // Each fix edits one diagnostic's own pair; Fix All would pick one side everywhere, which is a decision per endpoint.
        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var key = Removable(root, diagnostic.Location.SourceSpan);
                if (key is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Remove {Describe(key)} (the endpoint becomes public)",
                            ct => RemoveAsync(context.Document, diagnostic.Location.SourceSpan, ct), RemoveKeyEquivalenceKey),
                        diagnostic);
                }
                if (diagnostic.AdditionalLocations.Count == 0 || !diagnostic.AdditionalLocations[0].IsInSource)
                    continue;
                var other = diagnostic.AdditionalLocations[0];
                var otherDocument = context.Document.Project.Solution.GetDocument(other.SourceTree);
                var otherRoot = otherDocument is null ? null : await otherDocument.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                var anonymous = otherRoot is null ? null : Removable(otherRoot, other.SourceSpan);
                if (anonymous is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Remove {Describe(anonymous)} (the endpoint requires the key)",
                            ct => RemoveAsync(otherDocument!, other.SourceSpan, ct), RemoveAnonymousEquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static string Describe(SyntaxNode node) => node switch
        {
            AttributeSyntax attribute => "[" + attribute.Name + "]",
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText + "(...)",
            _ => node.ToString(),
        };

        /// <summary>The attribute, or the fluent invocation whose name is at <paramref name="span"/>.</summary>
        private static SyntaxNode? Removable(SyntaxNode root, TextSpan span)
        {
            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute is not null)
                return attribute;
            if (node.FirstAncestorOrSelf<MemberAccessExpressionSyntax>() is { Parent: InvocationExpressionSyntax invocation } access
                && access.Name.Span.Contains(span.Start))
                return invocation;
            return null;
        }

        private static async Task<Document> RemoveAsync(Document document, TextSpan span, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var node = root is null ? null : Removable(root, span);
            switch (node)
            {
                case AttributeSyntax attribute when attribute.Parent is AttributeListSyntax list:
                {
                    if (list.Attributes.Count > 1)
                        return document.WithSyntaxRoot(root!.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute))));
                    return document.WithText(text.WithChanges(new TextChange(WholeListSpan(list, text), string.Empty)));
                }
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation:
                {
                    var receiver = access.Expression;
                    if (invocation.Parent is ExpressionStatementSyntax statement && receiver is IdentifierNameSyntax)
                    {
                        var line = text.Lines.GetLineFromPosition(statement.SpanStart);
                        var removeLine = text.ToString(TextSpan.FromBounds(line.Start, statement.SpanStart)).Trim().Length == 0
                                         && text.ToString(TextSpan.FromBounds(statement.Span.End, line.End)).Trim().Length == 0;
                        var remove = removeLine ? line.SpanIncludingLineBreak : statement.Span;
                        return document.WithText(text.WithChanges(new TextChange(remove, string.Empty)));
                    }
                    // x.RequireKey(...) → x: drop the '.Name(args)' text, keeping what precedes it.
                    return document.WithText(text.WithChanges(new TextChange(TextSpan.FromBounds(receiver.Span.End, invocation.Span.End), string.Empty)));
                }
                default:
                    return document;
            }
        }

        /// <summary>The list's span plus the space after it; its whole line when it stands alone on one.</summary>
        private static TextSpan WholeListSpan(AttributeListSyntax list, SourceText text)
        {
            var line = text.Lines.GetLineFromPosition(list.SpanStart);
            var before = text.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
            var after = text.ToString(TextSpan.FromBounds(list.Span.End, line.End));
            if (before.Trim().Length == 0 && after.Trim().Length == 0)
                return line.SpanIncludingLineBreak;
            var end = list.Span.End;
            while (end < line.End && text[end] == ' ')
                end++;
            return TextSpan.FromBounds(list.SpanStart, end);
        }
    }
}
