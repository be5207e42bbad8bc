using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Declarative.Auth.Rules;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH010: <c>[OrAuthorization]</c> / <c>.OrAuthorization()</c> where the precedence rule finds no key
    /// requirement for it to be an alternative to. Judged where the answer is certain: an attribute on an action or
    /// handler (with its controller's attributes), and a fluent call on an endpoint mapped on the app itself.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class OrAuthorizationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.OrAuthorizationWithoutKey);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
            context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        }

        private static void AnalyzeMethod(SymbolAnalysisContext context)
        {
            var method = (IMethodSymbol)context.Symbol;
            var attribute = method.GetAttributes().FirstOrDefault(a => EndpointRules.KindOf(a.AttributeClass) == DeclarationItemKind.OrAuthorization);
            if (attribute?.ApplicationSyntaxReference is not { } reference)
                return;
            var levels = new List<DeclarationLevelItems>();
            if (method.ContainingType is { } type && EndpointRules.IsController(type))
                levels.Add(new DeclarationLevelItems(Declarations.OfClass(type).Items, isMethod: false));
            else if (method.MethodKind != MethodKind.LambdaMethod && !EndpointRules.IsAction(method))
            {
                return; // a minimal-API handler method: its groups may declare the key; not judged here
            }
            levels.Add(new DeclarationLevelItems(EndpointRules.ItemsOf(method.GetAttributes()).ToList(), isMethod: true));
            Report(context.ReportDiagnostic, DeclarationPrecedence.Resolve(levels), Location.Create(reference.SyntaxTree, reference.Span), method.Name);
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var call = (IInvocationOperation)context.Operation;
            var original = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            if (original.Name != "OrAuthorization" || original.ContainingNamespace?.ToDisplayString() != "Declarative.Auth")
                return;
            // Back along the chain to the Map* call: the endpoint's facts (groups, handler, its chain) decide, as in the table.
            var current = Operations.Unwrap(Operations.Receiver(call));
            while (current is IInvocationOperation step && !EndpointRules.IsMapEndpointMethod(step.TargetMethod))
                current = Operations.Unwrap(Operations.Receiver(step));
            if (current is IInvocationOperation { Syntax: InvocationExpressionSyntax, SemanticModel: { } model } map
                && EndpointIndex.For(model.Compilation).Facts(map, model, context.CancellationToken) is { ReceiverParameter: null } facts)
                Report(context.ReportDiagnostic, Declarations.Resolve(facts.Levels), Operations.NameLocation(call.Syntax), "OrAuthorization()");
        }

        private static void Report(System.Action<Diagnostic> report, ResolvedDeclaration resolved, Location location, string name)
        {
            if (resolved.Access == ResolvedAccess.Key)
                return;
            var state = resolved.Access switch
            {
                ResolvedAccess.Public => "public",
                ResolvedAccess.Authorize => "left to [Authorize]",
                ResolvedAccess.OrganizationsKey => "for the organizations key only",
                _ => "undeclared",
            };
            report(Diagnostic.Create(DiagnosticDescriptors.OrAuthorizationWithoutKey, location, name, state));
        }
    }
}
