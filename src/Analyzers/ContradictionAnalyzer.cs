using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH003: a key requirement and an AllowAnonymous that contradict each other on one endpoint, following
    /// the runtime's precedence (EndpointPolicyBuilder): the handler's or action's own attributes replace
    /// everything outer; among outer metadata the nearest wins. So a nearer declaration replacing a farther one
    /// (group <c>RequireKey</c>, handler <c>[AllowAnonymous]</c>) is an ordinary exception and is not reported;
    /// what is reported:
    /// <list type="bullet">
    /// <item>both on one method or class (same level);</item>
    /// <item>both on one builder: <c>.RequireKey(...).AllowAnonymous()</c> on a chain, or on one group local;</item>
    /// <item>a handler's own <c>[AllowAnonymous]</c> overriding <c>RequireKey</c> on the endpoint's own chain — the
    /// farther one (the handler attribute, which the runtime reads first) silently wins, like ASP0026.</item>
    /// </list>
    /// Always reported on the key requirement, with the AllowAnonymous as additional location, so the fix can
    /// remove either.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ContradictionAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: what the AllowAnonymous (additional location) is: attribute or call.</summary>
        public const string AnonymousKindProperty = "AnonymousKind";

        private static readonly ImmutableHashSet<string> s_keyAttributes = EndpointRules.OtherKeyDeclarations.Add(EndpointRules.RequiresKeyAttribute);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.ContradictoryDeclarations);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var types = new KnownTypes(start.Compilation);
                if (types.RequiresKeyAttribute is null)
                    return;
                var names = AttributeNameFilter.For(start.Compilation, s_keyAttributes, start.CancellationToken);
                start.RegisterSyntaxNodeAction(c => AnalyzeAttribute(c, names), SyntaxKind.Attribute);
                if (types.HasRouting)
                    start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
            });
        }

        // ---- same level: [RequiresKey] and [AllowAnonymous] on one method, lambda, local function or class ----

        private static void AnalyzeAttribute(SyntaxNodeAnalysisContext context, AttributeNameFilter names)
        {
            var syntax = (AttributeSyntax)context.Node;
            if (!names.MayBe(syntax) || syntax.Parent is not AttributeListSyntax list || (list.Target is not null && list.Target.Identifier.ValueText is not ("method" or "type"))
                || Alone(list.Parent))
                return;
            var model = context.SemanticModel;
            var ct = context.CancellationToken;
            var symbol = AttributeNameFilter.Owner(syntax, model, ct);
            var type = AttributeNameFilter.Bound(syntax, symbol)?.AttributeClass ?? (model.GetSymbolInfo(syntax, ct).Symbol as IMethodSymbol)?.ContainingType;
            if (type is null || !s_keyAttributes.Contains(type.ToDisplayString()) || symbol is null || AnonymousAttribute(symbol, ct) is not { } anonymous)
                return;
            var (where, effect) = symbol switch
            {
                INamedTypeSymbol named => ($"on the same class '{named.Name}'", "which one applies depends on the attributes' order"),
                IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } => ("on the same handler", "the key is required at run time (fail closed)"),
                _ => ($"on the same method '{symbol.Name}'", "the key is required at run time (fail closed)"),
            };
            Report(context.ReportDiagnostic, syntax.GetLocation(), "[" + syntax + "]", anonymous.GetLocation(), "[" + anonymous + "]", where, effect, "attribute");
        }

        /// <summary>The first attribute written on <paramref name="symbol"/> that makes it anonymous ([AllowAnonymous] and the like); null when none.</summary>
        private static AttributeSyntax? AnonymousAttribute(ISymbol symbol, CancellationToken ct)
            => symbol.GetAttributes().Where(a => EndpointRules.Classify(a) == DeclarationKind.AllowAnonymous)
                .Select(a => a.ApplicationSyntaxReference?.GetSyntax(ct)).OfType<AttributeSyntax>().FirstOrDefault();

        /// <summary>
        /// The attribute is the only one its declaration carries (and no other partial part can add one): nothing can
        /// contradict it, so it is not bound (binding an attribute on a lambda binds its whole member).
        /// </summary>
        private static bool Alone(SyntaxNode? owner) => owner switch
        {
            MemberDeclarationSyntax member => !member.Modifiers.Any(SyntaxKind.PartialKeyword) && Count(member.AttributeLists) == 1,
            LambdaExpressionSyntax lambda => Count(lambda.AttributeLists) == 1,
            LocalFunctionStatementSyntax local => Count(local.AttributeLists) == 1,
            _ => false,
        };

        private static int Count(SyntaxList<AttributeListSyntax> lists) => lists.Sum(l => l.Attributes.Count);

        // ---- one builder: RequireKey and AllowAnonymous on the same chain or local; handler attribute vs chain ----

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (DeclarationOf(invocation) is null or DeclarationItemKind.AllowAnonymous or DeclarationItemKind.Authorize)
                return;
            var model = invocation.SemanticModel;
            if (model is null)
                return;
            var ct = context.CancellationToken;
            var keyLocation = Operations.NameLocation(invocation.Syntax);
            var keyText = DescribeCall(invocation);

            // Calls on the same builder before this one (up the chain to the call that made the builder).
            var earlier = Upstream(Operations.Receiver(invocation)).TakeWhile(c => Operations.IsPassThrough(c.TargetMethod)).ToList();
            var root = Operations.Unwrap(Operations.Receiver(earlier.Count > 0 ? earlier[earlier.Count - 1] : invocation));
            var later = Operations.Downstream(invocation).TakeWhile(c => Operations.IsPassThrough(c.TargetMethod)).ToList();
            if (FirstAnonymous(later.Concat(earlier)) is { } onChain)
            {
                Report(context.ReportDiagnostic, keyLocation, keyText, Operations.NameLocation(onChain.Syntax), DescribeCall(onChain), "on the same builder",
                    Effect(anonymousLater: later.Contains(onChain)), "call");
                return;
            }

            // The same builder through a local: group.RequireKey(...); ... group.AllowAnonymous();
            // or var group = app.MapGroup("/x").RequireKey(...); ... group.AllowAnonymous();
            var holder = (root as ILocalReferenceOperation)?.Local
                ?? (Operations.Outermost(later.Count > 0 ? later[later.Count - 1] : invocation).Parent
                    is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol : null);
            if (holder is not null
                && FirstAnonymous(UsesOf(holder, model, ct).SelectMany(other => Operations.Downstream(other).TakeWhile(c => Operations.IsPassThrough(c.TargetMethod)))) is { } onLocal)
            {
                Report(context.ReportDiagnostic, keyLocation, keyText, Operations.NameLocation(onLocal.Syntax), DescribeCall(onLocal),
                    $"on the same builder '{holder.Name}'", Effect(anonymousLater: onLocal.Syntax.SpanStart > invocation.Syntax.SpanStart), "call");
                return;
            }

            // The endpoint's own chain against its handler's own [AllowAnonymous]: the handler attribute wins.
            if (root is IInvocationOperation endpoint && EndpointRules.IsMapEndpointMethod(endpoint.TargetMethod))
            {
                var handler = Handler.Of(endpoint, model, ct);
                if (handler.Method is null || handler.Method.GetAttributes().Any(a => EndpointRules.Classify(a) == DeclarationKind.RequiresKey)
                    || AnonymousAttribute(handler.Method, ct) is not { } anonymous)
                    return;
                Report(context.ReportDiagnostic, keyLocation, keyText, anonymous.GetLocation(), "[" + anonymous + "]",
                    "on the endpoint's handler", "the handler's attribute wins at run time and the endpoint is public", "attribute");
            }
        }

        private static IEnumerable<IOperation> UsesOf(ILocalSymbol local, SemanticModel model, CancellationToken ct)
        {
            var declaring = local.DeclaringSyntaxReferences.Length == 1 ? local.DeclaringSyntaxReferences[0].GetSyntax(ct) : null;
            var scope = declaring?.FirstAncestorOrSelf<SyntaxNode>(n => n is BlockSyntax or CompilationUnitSyntax or SwitchSectionSyntax);
            if (scope is null || scope.SyntaxTree != model.SyntaxTree)
                yield break;
            foreach (var node in scope.DescendantNodes())
            {
                if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == local.Name
                    && model.GetOperation(identifier, ct) is ILocalReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    yield return reference;
            }
            // var group = app.MapGroup("/x").AllowAnonymous();  — the initializer's own chain
            if (declaring is VariableDeclaratorSyntax { Initializer: { } initializer }
                && model.GetOperation(initializer.Value, ct) is { } value)
                foreach (var call in Upstream(value))
                    yield return call;
        }

        /// <summary>The calls on one builder from <paramref name="operation"/> back to the call that made it (a MapGroup or Map* call, not included).</summary>
        private static IEnumerable<IInvocationOperation> Upstream(IOperation? operation)
        {
            for (var current = Operations.Unwrap(operation); current is IInvocationOperation call
                 && !Operations.IsMapGroup(call.TargetMethod) && !EndpointRules.IsMapEndpointMethod(call.TargetMethod);)
            {
                yield return call;
                current = Operations.Unwrap(Operations.Receiver(call));
            }
        }

        /// <summary>The first declaration a fluent call makes (read by <see cref="Declarations.AddFluent"/>); null when none. Any but AllowAnonymous and Authorize is a key requirement.</summary>
        private static DeclarationItemKind? DeclarationOf(IInvocationOperation invocation)
        {
            var level = new Declarations.Level();
            Declarations.AddFluent(invocation, level);
            return level.Items.Where(i => Declarations.Declares(i.Kind)).Select(i => (DeclarationItemKind?)i.Kind).FirstOrDefault();
        }

        private static IInvocationOperation? FirstAnonymous(IEnumerable<IInvocationOperation> calls)
            => calls.FirstOrDefault(c => DeclarationOf(c) == DeclarationItemKind.AllowAnonymous);

        private static string Effect(bool anonymousLater)
            => anonymousLater ? "the later AllowAnonymous applies at run time and the endpoint is public" : "the later key requirement applies at run time";

        private static string DescribeCall(IInvocationOperation invocation)
        {
            var name = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).Name;
            var arguments = invocation.Syntax is InvocationExpressionSyntax syntax ? syntax.ArgumentList.ToString() : "()";
            return name + arguments;
        }

        private static void Report(System.Action<Diagnostic> report, Location key, string keyText, Location anonymous, string anonymousText, string where, string effect, string anonymousKind)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(AnonymousKindProperty, anonymousKind);
            report(Diagnostic.Create(DiagnosticDescriptors.ContradictoryDeclarations, key, new[] { anonymous }, properties,
                keyText, anonymousText, where, effect));
        }
    }
}
