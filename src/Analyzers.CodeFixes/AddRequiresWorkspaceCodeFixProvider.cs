using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Declarative.Auth.Analyzers.CodeFixes
{
    /// <summary>
    /// DAUTH011: add <c>[RequiresWorkspace]</c> to the handler (lambda, local function, method) or action, with its using
    /// directive, placed as DAUTH001's fix places its attributes (one placement for both).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRequiresWorkspaceCodeFixProvider)), Shared]
    public sealed class AddRequiresWorkspaceCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "DAUTH011.AddRequiresWorkspace";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.WorkspaceRouteNotScoped.Id);

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
                        ct => AddAuthDeclarationCodeFixProvider.AddAttributeAsync(document, target.SourceSpan, "RequiresWorkspace", null,
                            "Declarative.Auth.RequiresWorkspaceAttribute", "Declarative.Auth", ct),
                        EquivalenceKey),
                    diagnostic);
            }
            return Task.CompletedTask;
        }
    }
}
