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

namespace Declarative.Auth.Analyzers.CodeFixes
{
    /// <summary>
    /// DAUTH012: bind the parameter from the place the verifier checks (the diagnostic's SourceKind/SourceName):
    /// its [FromX] attributes are replaced by <c>[FromRoute]</c>, <c>[FromQuery]</c> or <c>[FromHeader]</c>, with
    /// <c>Name = "..."</c> when the parameter's own name differs, adding <c>using Microsoft.AspNetCore.Mvc;</c> if needed.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BindWorkspaceCodeFixProvider)), Shared]
    public sealed class BindWorkspaceCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH012.BindFromCheckedSource";

        private const string MvcNamespace = "Microsoft.AspNetCore.Mvc";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.WorkspaceFromUncheckedSource.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(TenantIsolationAnalyzer.SourceKindProperty, out var kind)
                    || !diagnostic.Properties.TryGetValue(TenantIsolationAnalyzer.SourceNameProperty, out var name)
                    || kind is not ("Route" or "Query" or "Header") || name is null)
                    continue;
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter)
                    continue;
                var arguments = parameter.Identifier.ValueText == name ? null : "(Name = \"" + name + "\")";
                context.RegisterCodeFix(
                    CodeAction.Create("Bind from [From" + kind + arguments + "]", ct => BindAsync(context.Document, parameter.Span, kind, arguments, ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> BindAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, string kind, string? arguments, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (root is not CompilationUnitSyntax unit || model is null
                || root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter)
                return document;
            var leading = parameter.GetLeadingTrivia();
            var bare = parameter.WithoutLeadingTrivia();
            var lists = new SyntaxList<AttributeListSyntax>();
            for (var i = 0; i < bare.AttributeLists.Count; i++)
            {
                var original = parameter.AttributeLists[i];
                var kept = bare.AttributeLists[i].Attributes
                    .Where((a, index) => !IsBinding(model.GetSymbolInfo(original.Attributes[index], ct).Symbol?.ContainingType)).ToList();
                if (kept.Count > 0)
                    lists = lists.Add(bare.AttributeLists[i].WithAttributes(SyntaxFactory.SeparatedList(kept)));
            }
            var added = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                    SyntaxFactory.IdentifierName("From" + kind), arguments is null ? null : SyntaxFactory.ParseAttributeArgumentList(arguments))))
                .WithTrailingTrivia(SyntaxFactory.Space);
            var newUnit = unit.ReplaceNode(parameter, bare.WithAttributeLists(lists.Insert(0, added)).WithLeadingTrivia(leading));
            var simpleName = "From" + kind + "Attribute";
            var inScope = model.LookupNamespacesAndTypes(parameter.SpanStart, name: simpleName).Any(s => s.ToDisplayString() == MvcNamespace + "." + simpleName);
            if (!inScope && !newUnit.Usings.Any(u => u.Name?.ToString() == MvcNamespace))
            {
                var text = await document.GetTextAsync(ct).ConfigureAwait(false);
                var eol = text.ToString().Contains("\r\n") ? "\r\n" : "\n";
                newUnit = newUnit.WithUsings(newUnit.Usings.Add(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(MvcNamespace)).NormalizeWhitespace()
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(eol))));
            }
            return document.WithSyntaxRoot(newUnit);
        }

        private static bool IsBinding(ISymbol? type)
            => type is INamedTypeSymbol named && named.AllInterfaces.Any(i => i.ToDisplayString() is
                "Microsoft.AspNetCore.Http.Metadata.IFromRouteMetadata" or "Microsoft.AspNetCore.Http.Metadata.IFromQueryMetadata"
                or "Microsoft.AspNetCore.Http.Metadata.IFromHeaderMetadata" or "Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata"
                or "Microsoft.AspNetCore.Http.Metadata.IFromFormMetadata");
    }
}
