using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for minimal APIs. One <c>Map*</c> invocation is declared when its handler carries an auth
    /// attribute, when its own fluent chain (or a local holding the endpoint) calls RequireKey,
    /// RequireAuthorization, AllowAnonymous or WithMetadata(auth attribute), or when any enclosing route group
    /// does — inline, or through locals (before or after the endpoint is mapped), nested to any depth.
    /// A builder that arrives as a method parameter (an extension method like <c>MapThings(this
    /// IEndpointRouteBuilder e)</c>) is not followed to its call sites: its endpoints count as undeclared
    /// unless the handler, the chain or fluent calls on that parameter inside the method declare them.
    /// </summary>
    internal sealed class MinimalApiEndpoints
    {
        private const int MaxDepth = 16;
        private const string BuilderNamespace = "Microsoft.AspNetCore.Builder";

        private readonly KnownTypes _types;

        // Whether some use of a local or parameter (a group or an endpoint builder) declares it; computed once
        // per symbol and compilation, so a Program.cs with many endpoints on one group is scanned once.
        private readonly ConcurrentDictionary<ISymbol, bool> _usesDeclare = new(SymbolEqualityComparer.Default);

        public MinimalApiEndpoints(KnownTypes types) => _types = types;

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!EndpointRules.MapMethods.TryGetValue(method.Name, out var impliedHttpMethod) || !EndpointRules.IsMapEndpointMethod(method))
                return;
            var model = invocation.SemanticModel;
            if (model is null)
                return;
            var ct = context.CancellationToken;

            var handlerArgument = invocation.Arguments.FirstOrDefault(a => IsHandlerParameter(a.Parameter));
            var handler = handlerArgument is null ? default : ResolveHandler(handlerArgument.Value, model, 0, ct);
            if (handler.Method is not null && EndpointRules.DeclarationOf(handler.Method) != DeclarationKind.None)
                return;
            if (IsDeclaredDownstream(invocation, model, 0, ct))
                return;
            var receiver = Receiver(invocation);
            if (receiver is not null && IsDeclaredUpstream(receiver, model, 0, ct))
                return;

            var httpMethods = impliedHttpMethod ?? HttpMethodsArgument(invocation) ?? EndpointText.AnyMethod;
            var pattern = StringArgument(invocation, "pattern") ?? (method.Name == "MapFallback" ? "{*path:nonfile}" : "{?}");
            var prefix = receiver is null ? string.Empty : RoutePrefix(receiver, model, 0, ct);
            var route = EndpointText.CombineRoutes(prefix, pattern);
            var keyType = EndpointText.GuessKeyType(httpMethods);
            var scope = EndpointText.GuessScope(route);

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[EndpointText.KeyTypeProperty] = keyType;
            properties[EndpointText.ScopeProperty] = scope;
            var additional = new List<Location>();
            if (handler.FixTarget is not null)
            {
                additional.Add(handler.FixTarget);
                properties[EndpointText.TargetProperty] = handler.TargetKind;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.EndpointHasNoAuthDeclaration,
                NameLocation(invocation.Syntax),
                additional,
                properties.ToImmutable(),
                httpMethods + " " + route,
                keyType,
                scope));
        }

        internal bool IsHandlerParameter(IParameterSymbol? parameter)
            => parameter is not null
               && (SymbolEqualityComparer.Default.Equals(parameter.Type, _types.Delegate)
                   || SymbolEqualityComparer.Default.Equals(parameter.Type, _types.RequestDelegate));

        /// <summary>The <c>MapGet</c> identifier of <c>app.MapGet(...)</c>.</summary>
        internal static Location NameLocation(SyntaxNode syntax)
        {
            if (syntax is InvocationExpressionSyntax invocation)
            {
                switch (invocation.Expression)
                {
                    case MemberAccessExpressionSyntax access:
                        return access.Name.Identifier.GetLocation();
                    case SimpleNameSyntax name:
                        return name.Identifier.GetLocation();
                    case MemberBindingExpressionSyntax binding:
                        return binding.Name.Identifier.GetLocation();
                }
            }
            return syntax.GetLocation();
        }

        internal struct Handler
        {
            public IMethodSymbol? Method;
            public Location? FixTarget;
            public string? TargetKind;
        }

        /// <summary>The method behind a handler argument: lambda, method group, local function, or a local holding one.</summary>
        internal static Handler ResolveHandler(IOperation value, SemanticModel model, int depth, CancellationToken ct)
        {
            var operation = Unwrap(value);
            while (operation is IDelegateCreationOperation creation)
                operation = Unwrap(creation.Target);
            switch (operation)
            {
                case IAnonymousFunctionOperation function:
                    return new Handler
                    {
                        Method = function.Symbol,
                        // Anonymous methods (delegate { }) cannot carry attributes; only lambdas get the fix.
                        FixTarget = function.Syntax is LambdaExpressionSyntax ? function.Syntax.GetLocation() : null,
                        TargetKind = EndpointText.TargetLambda,
                    };
                case IMethodReferenceOperation reference:
                {
                    var target = reference.Method.OriginalDefinition;
                    Location? location = null;
                    foreach (var syntaxReference in target.DeclaringSyntaxReferences)
                    {
                        var syntax = syntaxReference.GetSyntax(ct);
                        if (syntax is MethodDeclarationSyntax declaration)
                            location = declaration.Identifier.GetLocation();
                        else if (syntax is LocalFunctionStatementSyntax local)
                            location = local.Identifier.GetLocation();
                        if (location is not null)
                            break;
                    }
                    return new Handler { Method = reference.Method, FixTarget = location, TargetKind = EndpointText.TargetMethod };
                }
                case ILocalReferenceOperation local when depth < MaxDepth:
                {
                    var initializer = InitializerOf(local.Local, model, ct);
                    return initializer is null ? default : ResolveHandler(initializer, model, depth + 1, ct);
                }
                default:
                    return default;
            }
        }

        internal static IOperation Unwrap(IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        break;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The builder an extension (or instance) call is made on.</summary>
        internal static IOperation? Receiver(IInvocationOperation invocation)
        {
            if (invocation.Instance is not null)
                return invocation.Instance;
            if (!invocation.TargetMethod.IsExtensionMethod)
                return null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                    return argument.Value;
            }
            return null;
        }

        internal static bool IsReceiverArgument(IInvocationOperation invocation, IArgumentOperation argument)
            => invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0;

        /// <summary>A fluent declaration: RequireKey, RequireAuthorization, AllowAnonymous, or WithMetadata(auth attribute).</summary>
        private bool Declares(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (EndpointRules.FluentDeclaration(method) != DeclarationKind.None)
                return true;
            var original = method.ReducedFrom ?? method;
            if (original.Name != "WithMetadata" || original.ContainingNamespace?.ToDisplayString() != BuilderNamespace)
                return false;
            foreach (var argument in invocation.Arguments)
            {
                if (IsReceiverArgument(invocation, argument))
                    continue;
                var value = Unwrap(argument.Value);
                if (value is IArrayCreationOperation { Initializer: { } initializer })
                {
                    foreach (var element in initializer.ElementValues)
                    {
                        if (_types.ClassifyMetadataType(Unwrap(element).Type) != DeclarationKind.None)
                            return true;
                    }
                }
                else if (_types.ClassifyMetadataType(value.Type) != DeclarationKind.None)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>A call that hands back the builder it was given (WithTags, WithName, AddEndpointFilter...).</summary>
        internal static bool IsPassThrough(IMethodSymbol method)
        {
            var original = (method.ReducedFrom ?? method).OriginalDefinition;
            if (original.IsExtensionMethod)
                return original.Parameters.Length > 0 && SymbolEqualityComparer.Default.Equals(original.Parameters[0].Type, original.ReturnType);
            return !original.IsStatic && SymbolEqualityComparer.Default.Equals(original.ReturnType, original.ContainingType);
        }

        internal static bool IsMapGroup(IMethodSymbol method)
        {
            var original = method.ReducedFrom ?? method;
            return original.Name == EndpointRules.MapGroupMethod && original.IsExtensionMethod
                && original.ContainingNamespace?.ToDisplayString() == BuilderNamespace;
        }

        /// <summary>
        /// Follows what is done with a builder after it is made: the fluent chain on it, and when it is stored in
        /// a local, every use of that local.
        /// </summary>
        private bool IsDeclaredDownstream(IOperation operation, SemanticModel model, int depth, CancellationToken ct)
        {
            var current = operation;
            for (var i = 0; i < 64; i++)
            {
                var parent = current.Parent;
                while (parent is IConversionOperation or IParenthesizedOperation)
                {
                    current = parent;
                    parent = parent.Parent;
                }
                switch (parent)
                {
                    case IArgumentOperation argument when argument.Parent is IInvocationOperation next && IsReceiverArgument(next, argument):
                        if (Declares(next))
                            return true;
                        if (!IsPassThrough(next.TargetMethod))
                            return false;
                        current = next;
                        break;
                    case IInvocationOperation next when ReferenceEquals(next.Instance, current):
                        if (Declares(next))
                            return true;
                        if (!IsPassThrough(next.TargetMethod))
                            return false;
                        current = next;
                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return UsesDeclare(declarator.Symbol, model, depth + 1, ct);
                    case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current)
                                                                  && assignment.Target is ILocalReferenceOperation target:
                        return UsesDeclare(target.Local, model, depth + 1, ct);
                    default:
                        return false;
                }
            }
            return false;
        }

        /// <summary>Follows where a builder came from: its chain, enclosing MapGroup calls, locals and their uses.</summary>
        private bool IsDeclaredUpstream(IOperation builder, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth)
                return false;
            switch (Unwrap(builder))
            {
                case IInvocationOperation invocation:
                {
                    if (Declares(invocation))
                        return true;
                    if (!IsMapGroup(invocation.TargetMethod) && !IsPassThrough(invocation.TargetMethod))
                        return false;
                    var receiver = Receiver(invocation);
                    return receiver is not null && IsDeclaredUpstream(receiver, model, depth + 1, ct);
                }
                case ILocalReferenceOperation local:
                {
                    if (UsesDeclare(local.Local, model, depth + 1, ct))
                        return true;
                    var initializer = InitializerOf(local.Local, model, ct);
                    return initializer is not null && IsDeclaredUpstream(initializer, model, depth + 1, ct);
                }
                case IParameterReferenceOperation parameter:
                    return UsesDeclare(parameter.Parameter, model, depth + 1, ct);
                default:
                    return false;
            }
        }

        /// <summary>True when some use of the local or parameter (a builder) is a fluent declaration on it.</summary>
        private bool UsesDeclare(ISymbol symbol, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth)
                return false;
            if (_usesDeclare.TryGetValue(symbol, out var cached))
                return cached;
            var result = ComputeUsesDeclare(symbol, model, depth, ct);
            _usesDeclare.TryAdd(symbol, result);
            return result;
        }

        private bool ComputeUsesDeclare(ISymbol symbol, SemanticModel model, int depth, CancellationToken ct)
        {
            var scope = ScopeOf(symbol, ct);
            if (scope is null || scope.SyntaxTree != model.SyntaxTree)
                return false;
            foreach (var node in scope.DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != symbol.Name)
                    continue;
                var operation = model.GetOperation(identifier, ct);
                var referenced = operation switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (operation is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol)
                    && IsDeclaredDownstream(operation, model, depth, ct))
                    return true;
            }
            return false;
        }

        /// <summary>The syntax a local or parameter can be used in: its block (or the top-level statements), or its method.</summary>
        private static SyntaxNode? ScopeOf(ISymbol symbol, CancellationToken ct)
        {
            var declaringSyntax = symbol.DeclaringSyntaxReferences.Length == 1 ? symbol.DeclaringSyntaxReferences[0].GetSyntax(ct) : null;
            if (declaringSyntax is null)
                return null;
            if (symbol is IParameterSymbol)
            {
                var owner = declaringSyntax.Parent?.Parent;
                return owner is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax ? owner : null;
            }
            return declaringSyntax.FirstAncestorOrSelf<SyntaxNode>(n => n is BlockSyntax or CompilationUnitSyntax or SwitchSectionSyntax);
        }

        internal static IOperation? InitializerOf(ILocalSymbol local, SemanticModel model, CancellationToken ct)
        {
            if (local.DeclaringSyntaxReferences.Length != 1)
                return null;
            if (local.DeclaringSyntaxReferences[0].GetSyntax(ct) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                || declarator.SyntaxTree != model.SyntaxTree)
                return null;
            return model.GetOperation(initializer.Value, ct);
        }

        /// <summary>The constant group prefixes above a builder, joined ("" when it is the app or unknown).</summary>
        internal static string RoutePrefix(IOperation builder, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth)
                return string.Empty;
            switch (Unwrap(builder))
            {
                case IInvocationOperation invocation:
                {
                    var receiver = Receiver(invocation);
                    var outer = receiver is null ? string.Empty : RoutePrefix(receiver, model, depth + 1, ct);
                    if (IsMapGroup(invocation.TargetMethod))
                        return EndpointText.CombineRoutes(outer, StringArgument(invocation, "prefix") ?? "{?}");
                    return outer;
                }
                case ILocalReferenceOperation local:
                {
                    var initializer = InitializerOf(local.Local, model, ct);
                    return initializer is null ? string.Empty : RoutePrefix(initializer, model, depth + 1, ct);
                }
                default:
                    return string.Empty;
            }
        }

        internal static string? StringArgument(IInvocationOperation invocation, string parameterName)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == parameterName)
                    return argument.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
            }
            return null;
        }

        /// <summary>MapMethods' constant HTTP methods, joined with ','.</summary>
        internal static string? HttpMethodsArgument(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name != "httpMethods")
                    continue;
                var value = Unwrap(argument.Value);
                IEnumerable<IOperation>? elements = value switch
                {
                    IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                    ICollectionExpressionOperation collection => collection.Elements,
                    _ => null,
                };
                if (elements is null)
                    return null;
                var names = new List<string>();
                foreach (var element in elements)
                {
                    if (Unwrap(element).ConstantValue is not { HasValue: true, Value: string name })
                        return null;
                    names.Add(name.ToUpperInvariant());
                }
                return names.Count == 0 ? null : string.Join(",", names);
            }
            return null;
        }
    }
}
