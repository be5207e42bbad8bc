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
    /// DAUTH001 fixes: add <c>[RequiresKey(KeyType.X, Scope = "y")]</c> (key type from the HTTP method, scope from
    /// the route) or <c>[AllowAnonymous]</c> to the handler — the lambda, local function or method-group target
    /// in source — or to the action method, adding the using directive the attribute needs. At a call of a helper,
    /// wrapper or library producer: the fluent declaration on what the call returns or on the group it is called on.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuthDeclarationCodeFixProvider)), Shared]
    public sealed class AddAuthDeclarationCodeFixProvider : CodeFixProvider
    {
        public const string RequiresKeyEquivalenceKey = "DAUTH001.AddRequiresKey";
        public const string AllowAnonymousEquivalenceKey = "DAUTH001.AddAllowAnonymous";
        public const string ChainRequiresKeyEquivalenceKey = "DAUTH001.ChainRequireKey";
        public const string ChainAllowAnonymousEquivalenceKey = "DAUTH001.ChainAllowAnonymous";

        private const string RuntimeNamespace = "Declarative.Auth";
        private const string AuthorizationNamespace = "Microsoft.AspNetCore.Authorization";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.EndpointHasNoAuthDeclaration.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                RegisterChainFixes(context, diagnostic);
                if (diagnostic.AdditionalLocations.Count == 0)
                    continue;
                var target = diagnostic.AdditionalLocations[0];
                if (!target.IsInSource)
                    continue;
                var document = context.Document.Project.Solution.GetDocument(target.SourceTree);
                if (document is null)
                    continue;
                diagnostic.Properties.TryGetValue(EndpointText.KeyTypeProperty, out var keyType);
                diagnostic.Properties.TryGetValue(EndpointText.ScopeProperty, out var scope);
                keyType ??= "Read";
                scope ??= EndpointText.FallbackScope;

                var requiresKey = $"RequiresKey(KeyType.{keyType}, Scope = \"{scope}\")";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Add [{requiresKey}]",
                        ct => AddAttributeAsync(document, target.SourceSpan, "RequiresKey", $"(KeyType.{keyType}, Scope = \"{scope}\")",
                            RuntimeNamespace + ".RequiresKeyAttribute", RuntimeNamespace, ct),
                        RequiresKeyEquivalenceKey),
                    diagnostic);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Add [AllowAnonymous]",
                        ct => AddAttributeAsync(document, target.SourceSpan, "AllowAnonymous", null,
                            AuthorizationNamespace + ".AllowAnonymousAttribute", AuthorizationNamespace, ct),
                        AllowAnonymousEquivalenceKey),
                    diagnostic);
            }
            return Task.CompletedTask;
        }

        /// <summary>
        /// At a call of a helper, wrapper or library producer: <c>.RequireKey(...)</c> or <c>.AllowAnonymous()</c> on the
        /// builder it returns (<c>app.MapReports().RequireKey(...)</c>) or on the group it is called on
        /// (<c>group.RequireKey(...).MapAudit()</c>), as the diagnostic's <see cref="EndpointText.ChainProperty"/> says.
        /// </summary>
        private static void RegisterChainFixes(CodeFixContext context, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(EndpointText.ChainProperty, out var chain) || chain is null)
                return;
            diagnostic.Properties.TryGetValue(EndpointText.KeyTypeProperty, out var keyType);
            diagnostic.Properties.TryGetValue(EndpointText.ScopeProperty, out var scope);
            var requireKey = $".RequireKey(KeyType.{keyType ?? "Read"}, \"{scope ?? EndpointText.FallbackScope}\")";
            var on = chain == EndpointText.ChainOnResult ? "what it returns" : "the group it is called on";
            foreach (var (call, key) in new[] { (requireKey, ChainRequiresKeyEquivalenceKey), (".AllowAnonymous()", ChainAllowAnonymousEquivalenceKey) })
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Call {call} on {on}", ct => ChainAsync(context.Document, diagnostic.Location.SourceSpan, chain, call, ct), key),
                    diagnostic);
            }
        }

        private static async Task<Document> ChainAsync(Document document, TextSpan span, string chain, string call, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var invocation = root?.FindToken(span.Start).Parent?.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            ExpressionSyntax? target = chain == EndpointText.ChainOnResult ? invocation
                : (invocation?.Expression as MemberAccessExpressionSyntax)?.Expression;
            if (root is not CompilationUnitSyntax unit || model is null || target is null)
                return document;
            var declared = SyntaxFactory.ParseExpression(target.WithoutTrivia().ToFullString() + call).WithTriviaFrom(target);
            var newUnit = unit.ReplaceNode(target, declared);
            if (call.StartsWith(".RequireKey", System.StringComparison.Ordinal) && !InScope(model, target.SpanStart, RuntimeNamespace + ".KeyType")
                && !newUnit.Usings.Any(u => u.Name?.ToString() == RuntimeNamespace))
            {
                var eol = (await document.GetTextAsync(ct).ConfigureAwait(false)).ToString().Contains("\r\n") ? "\r\n" : "\n";
                newUnit = newUnit.WithUsings(newUnit.Usings.Add(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(RuntimeNamespace))
                    .NormalizeWhitespace().WithTrailingTrivia(SyntaxFactory.EndOfLine(eol))));
            }
            return document.WithSyntaxRoot(newUnit);
        }

        internal static async Task<Solution> AddAttributeAsync(
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
