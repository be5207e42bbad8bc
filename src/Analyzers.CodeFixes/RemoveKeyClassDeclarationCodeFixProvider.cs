using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.Analyzers.CodeFixes
{
    /// <summary>
    /// DAUTH014 and DAUTH015: remove <c>[EventIngestion]</c> / <c>.AcceptEventWriteKeys()</c>; DAUTH016: remove the key
    /// requirement the organizations key overrides (what the endpoint enforces does not change). Offered only when the
    /// diagnostic sits on the declaration itself (not on a group's).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveKeyClassDeclarationCodeFixProvider)), Shared]
    public sealed class RemoveKeyClassDeclarationCodeFixProvider : CodeFixProvider
    {
        public const string RemoveEventIngestionEquivalenceKey = "DAUTH014.RemoveEventIngestion";
        public const string RemoveKeyEquivalenceKey = "DAUTH016.RemoveKeyRequirement";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.EventIngestionOnReadOrDelete.Id,
            DiagnosticDescriptors.EventIngestionWithAdmin.Id,
            DiagnosticDescriptors.OrganizationsKeyWithKey.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(KeyClassAnalyzer.RemovableProperty) || diagnostic.AdditionalLocations.Count == 0
                    || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree)
                    continue;
                var span = diagnostic.AdditionalLocations[0].SourceSpan;
                var node = root.FindNode(span, getInnermostNodeForTie: true);
                var what = node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute ? "[" + attribute.Name + "]"
                    : node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Expression: MemberAccessExpressionSyntax access } ? "." + access.Name.Identifier.ValueText + "(...)"
                    : null;
                if (what is null)
                    continue;
                var key = diagnostic.Id == DiagnosticDescriptors.OrganizationsKeyWithKey.Id ? RemoveKeyEquivalenceKey : RemoveEventIngestionEquivalenceKey;
                context.RegisterCodeFix(
                    CodeAction.Create("Remove " + what, ct => RemoveAsync(context.Document, span, ct), key),
                    diagnostic);
            }
        }
        /// <summary>
        /// Removes the attribute (its list too when alone: with the space after it, or its line when it stood alone; only
        /// the list when another list follows directly, <c>[A][B]</c>), or the fluent call <c>x.Name(...)</c> → <c>x</c>.
        /// </summary>
        private static async Task<Document> RemoveAsync(Document document, TextSpan span, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var node = root?.FindNode(span, getInnermostNodeForTie: true);
            if (root is null || node is null)
                return document;
            if (node.FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax list } attribute)
            {
                if (list.Attributes.Count > 1)
                    return document.WithSyntaxRoot(root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute))));
                var line = text.Lines.GetLineFromPosition(list.SpanStart);
                var before = text.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
                var after = text.ToString(TextSpan.FromBounds(list.Span.End, line.End));
                TextSpan remove;
                if (before.Trim().Length == 0 && after.Trim().Length == 0)
                    remove = line.SpanIncludingLineBreak;
                else if (after.StartsWith("[", System.StringComparison.Ordinal) || before.EndsWith("]", System.StringComparison.Ordinal))
                    remove = list.Span;
                else
                    remove = TextSpan.FromBounds(list.SpanStart, list.Span.End + (after.Length - after.TrimStart(' ').Length));
                return document.WithText(text.WithChanges(new TextChange(remove, string.Empty)));
            }
            if (node.FirstAncestorOrSelf<MemberAccessExpressionSyntax>() is { Parent: InvocationExpressionSyntax invocation } access)
                return document.WithText(text.WithChanges(new TextChange(TextSpan.FromBounds(access.Expression.Span.End, invocation.Span.End), string.Empty)));
            return document;
        }
    }
}
