using System;
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
    /// A builder that arrives as a method parameter, or one a helper returns, is followed to the helper's call
    /// sites (MinimalApiEndpoints.CallSites.cs judges each one and reports undeclared calls there).
    /// </summary>
    internal sealed partial class MinimalApiEndpoints
    {
        private const int MaxDepth = 16;
        private const string BuilderNamespace = "Microsoft.AspNetCore.Builder";

        private readonly KnownTypes _types;

        // Whether some use of a local or parameter (a group or an endpoint builder) declares it; computed once
        // per symbol and compilation, so a Program.cs with many endpoints on one group is scanned once.
        private readonly ConcurrentDictionary<ISymbol, bool> _usesDeclare = new(SymbolEqualityComparer.Default);

        private readonly Compilation _compilation;

        // Whether a source helper's returned builders are all declared; whether every call site of a method passes a
        // declared builder for a parameter. Computed once per symbol and compilation.
        private readonly ConcurrentDictionary<ISymbol, bool> _returnsDeclared = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, bool> _callSitesDeclared = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, bool> _callersDeclareResult = new(SymbolEqualityComparer.Default);
        private readonly Lazy<Dictionary<string, List<SimpleNameSyntax>>> _namesByText;

        // Symbols being resolved on this thread. A cycle (a recursive helper, chained calls of one pass-through
        // helper) must not count as declared: answering "true" there once let a whole undeclared app through.
        [ThreadStatic] private static HashSet<ISymbol>? t_inProgress;

        public MinimalApiEndpoints(KnownTypes types, Compilation compilation)
        {
            _types = types;
            _compilation = compilation;
            _namesByText = new Lazy<Dictionary<string, List<SimpleNameSyntax>>>(IndexNames, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// The model of another tree of the same compilation. Inside the analyzer driver the compilation carries a
        /// caching semantic-model provider, so this returns the model the driver already built.
        /// </summary>
        private SemanticModel ModelFor(SyntaxTree tree, SemanticModel current)
        {
            if (tree == current.SyntaxTree)
                return current;
#pragma warning disable RS1030 // Helpers and call sites live in other files; the driver's model cache serves this call.
            return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var other = EndpointRules.IsOtherEndpointMethod(method);
            var library = !other && EndpointRules.IsLibraryProducer(method);
            string? impliedHttpMethod = null;
            if (!other && !library && (!EndpointRules.MapMethods.TryGetValue(method.Name, out impliedHttpMethod) || !EndpointRules.IsMapEndpointMethod(method)))
                return;
            var model = invocation.SemanticModel;
            if (model is null)
                return;
            var ct = context.CancellationToken;

            var handlerArgument = invocation.Arguments.FirstOrDefault(a => IsHandlerParameter(a.Parameter));
            var handler = handlerArgument is null ? default : ResolveHandler(handlerArgument.Value, model, 0, ct);
            if (handler.Method is not null && EndpointRules.DeclarationOf(handler.Method) != DeclarationKind.None)
                return;
            if (other && FallbackTargetDeclared(invocation))
                return;
            // MapHub<THub> copies the hub class's attributes ([Authorize], [RequiresKey]...) to its endpoints.
            if (method.Name == "MapHub" && method.TypeArguments.FirstOrDefault() is INamedTypeSymbol hub
                && EndpointRules.DeclarationOf(hub) != DeclarationKind.None)
                return;
            if (IsDeclaredDownstream(invocation, model, 0, ct))
                return;
            var receiver = Receiver(invocation);
            if (receiver is not null && IsDeclaredUpstream(receiver, model, 0, ct))
                return;
            // Mapped in a helper whose callers decide: silent when each call site declares, else reported there.
            if (ReportAtCallSites(context, invocation, receiver, handlerArgument, handler, model, library, impliedHttpMethod))
                return;

            var httpMethods = impliedHttpMethod ?? HttpMethodsArgument(invocation) ?? EndpointText.AnyMethod;
            var pattern = StringArgument(invocation, "pattern") ?? (method.Name.StartsWith("MapFallback", StringComparison.Ordinal) ? "{*path:nonfile}" : "{?}");
            var prefix = receiver is null ? string.Empty : RoutePrefix(receiver, model, 0, ct);
            var route = EndpointText.CombineRoutes(prefix, pattern);
            Report(context, NameLocation(invocation.Syntax), handler, httpMethods, route, library ? method.Name : null, StringArgument(invocation, "pattern") is not null);
        }

        /// <summary>One DAUTH001 at <paramref name="location"/>, with the fix's key type, scope and target.</summary>
        private static void Report(OperationAnalysisContext context, Location location, Handler handler, string httpMethods, string route, string? libraryMethod, bool patternKnown)
        {
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
                location,
                additional,
                properties.ToImmutable(),
                libraryMethod is not null ? (!patternKnown ? libraryMethod + "()" : httpMethods + " " + route + " (" + libraryMethod + ")") : httpMethods + " " + route,
                libraryMethod is not null ? DiagnosticDescriptors.LibraryFix(libraryMethod, keyType, scope) : DiagnosticDescriptors.AddAttributeFix(keyType, scope)));
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
                        if (Declares(next) || SourceHelperDeclaresReceiver(next, model, depth, ct))
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
                    case IReturnOperation returned when ReferenceEquals(returned.ReturnedValue, current):
                        return CallersDeclareResult(returned, model, depth + 1, ct);
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
                    if (Declares(invocation) || SourceHelperDeclaresReceiver(invocation, model, depth, ct))
                        return true;
                    if (!IsMapGroup(invocation.TargetMethod) && !IsPassThrough(invocation.TargetMethod))
                        return ReturnsDeclared(invocation.TargetMethod, model, depth + 1, ct);
                    var receiver = Receiver(invocation);
                    return (receiver is not null && IsDeclaredUpstream(receiver, model, depth + 1, ct))
                        || (!IsMapGroup(invocation.TargetMethod) && ReturnsDeclared(invocation.TargetMethod, model, depth + 1, ct));
                }
                case ILocalReferenceOperation local:
                {
                    if (UsesDeclare(local.Local, model, depth + 1, ct))
                        return true;
                    var initializer = InitializerOf(local.Local, model, ct);
                    return initializer is not null && IsDeclaredUpstream(initializer, model, depth + 1, ct);
                }
                case IParameterReferenceOperation parameter:
                    return UsesDeclare(parameter.Parameter, model, depth + 1, ct)
                        || CallSitesDeclare(parameter.Parameter, model, depth + 1, ct);
                default:
                    return false;
            }
        }

        /// <summary>True when some use of the local or parameter (a builder) is a fluent declaration on it.</summary>
        private bool UsesDeclare(ISymbol symbol, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth)
                return false;
            if (t_pinned is null && _usesDeclare.TryGetValue(symbol, out var cached))
                return cached;
            var result = ComputeUsesDeclare(symbol, model, depth, ct);
            if (t_pinned is null)
                _usesDeclare.TryAdd(symbol, result);
            return result;
        }

        private bool ComputeUsesDeclare(ISymbol symbol, SemanticModel model, int depth, CancellationToken ct)
        {
            var scope = ScopeOf(symbol, ct);
            if (scope is null)
                return false;
            model = ModelFor(scope.SyntaxTree, model);
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
    
        // ---- following builders across methods ----

        /// <summary>
        /// A source helper the builder is passed to (as receiver) that declares it inside:
        /// <c>static RouteGroupBuilder Secure(this RouteGroupBuilder g) => g.RequireKey(...)</c>.
        /// </summary>
        private bool SourceHelperDeclaresReceiver(IInvocationOperation invocation, SemanticModel model, int depth, CancellationToken ct)
        {
            var target = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
            if (depth > MaxDepth || target.DeclaringSyntaxReferences.IsEmpty || target.Parameters.Length == 0)
                return false;
            var parameter = invocation.Instance is null && target.IsExtensionMethod ? target.Parameters[0] : null;
            return parameter is not null && UsesDeclare(parameter, model, depth + 1, ct);
        }

        /// <summary>
        /// A builder returned by a source method (<c>static RouteGroupBuilder Api(this WebApplication app) =>
        /// app.MapGroup("/v1").RequireKey(...)</c>): declared when every builder it returns is.
        /// </summary>
        private bool ReturnsDeclared(IMethodSymbol method, SemanticModel model, int depth, CancellationToken ct)
        {
            var target = (method.ReducedFrom ?? method).OriginalDefinition;
            if (depth > MaxDepth || target.DeclaringSyntaxReferences.Length != 1)
                return false;
            if (t_pinned is null && _returnsDeclared.TryGetValue(target, out var cached))
                return cached;
            var inProgress = t_inProgress ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (!inProgress.Add(target))
                return false; // a cycle proves nothing: only what is shown declared counts (least fixed point)
            bool result;
            try
            {
                result = ComputeReturnsDeclared(target, model, depth, ct);
            }
            finally
            {
                inProgress.Remove(target);
            }
            if (inProgress.Count == 0 && t_pinned is null)
                _returnsDeclared.TryAdd(target, result);
            return result;
        }

        private bool ComputeReturnsDeclared(IMethodSymbol target, SemanticModel model, int depth, CancellationToken ct)
        {
            var syntax = target.DeclaringSyntaxReferences[0].GetSyntax(ct);
            var (body, expressionBody) = syntax switch
            {
                MethodDeclarationSyntax m => ((SyntaxNode?)m.Body, m.ExpressionBody?.Expression),
                LocalFunctionStatementSyntax l => (l.Body, l.ExpressionBody?.Expression),
                _ => (null, null),
            };
            var returned = new List<ExpressionSyntax>();
            if (expressionBody is not null)
                returned.Add(expressionBody);
            if (body is not null)
            {
                foreach (var node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
                {
                    if (node is ReturnStatementSyntax { Expression: { } expression })
                        returned.Add(expression);
                }
            }
            if (returned.Count == 0)
                return false;
            var helperModel = ModelFor(syntax.SyntaxTree, model);
            foreach (var expression in returned)
            {
                var operation = helperModel.GetOperation(expression, ct);
                if (operation is null || !IsDeclaredUpstream(operation, helperModel, depth + 1, ct))
                    return false;
            }
            return true;
        }

        /// <summary>
        /// A builder that arrives as a parameter of a source method: declared when the method has call sites, all
        /// of them calls (not method-group conversions), and every one passes a declared builder for it.
        /// </summary>
        private bool CallSitesDeclare(IParameterSymbol parameter, SemanticModel model, int depth, CancellationToken ct)
        {
            var original = parameter.OriginalDefinition;
            if (depth > MaxDepth || original.ContainingSymbol is not IMethodSymbol method
                || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) || method.DeclaringSyntaxReferences.IsEmpty)
                return false;
            if (t_pinned is null && _callSitesDeclared.TryGetValue(original, out var cached))
                return cached;
            var inProgress = t_inProgress ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (!inProgress.Add(original))
                return false; // a cycle proves nothing: only what is shown declared counts (least fixed point)
            bool result;
            try
            {
                result = ComputeCallSitesDeclare(method, original, model, depth, ct);
            }
            finally
            {
                inProgress.Remove(original);
            }
            if (inProgress.Count == 0 && t_pinned is null)
                _callSitesDeclared.TryAdd(original, result);
            return result;
        }

        private bool ComputeCallSitesDeclare(IMethodSymbol method, IParameterSymbol parameter, SemanticModel model, int depth, CancellationToken ct)
        {
            var sites = CallSites(method, model, ct);
            if (sites is null || sites.Count == 0)
                return false;
            foreach (var (call, siteModel) in sites)
            {
                var argument = call.Arguments.FirstOrDefault(a => a.Parameter is not null
                    && SymbolEqualityComparer.Default.Equals(a.Parameter.OriginalDefinition, parameter));
                if (argument is null || argument.ArgumentKind != ArgumentKind.Explicit && !IsReceiverArgument(call, argument))
                    return false;
                if (!IsDeclaredUpstream(argument.Value, siteModel, depth + 1, ct))
                    return false;
            }
            return true;
        }

        /// <summary>
        /// A builder returned by a source method (<c>return api;</c>) and declared by what every caller does with
        /// the result: <c>orders.MapOrdersApiV1().RequireAuthorization()</c>.
        /// </summary>
        private bool CallersDeclareResult(IReturnOperation returned, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth || model.GetEnclosingSymbol(returned.Syntax.SpanStart, ct) is not IMethodSymbol method
                || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
                return false;
            var target = method.OriginalDefinition;
            if (t_pinned is null && _callersDeclareResult.TryGetValue(target, out var cached))
                return cached;
            var inProgress = t_inProgress ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (!inProgress.Add(target))
                return false; // a cycle proves nothing: only what is shown declared counts (least fixed point)
            var result = true;
            try
            {
                var sites = CallSites(target, model, ct);
                if (sites is null || sites.Count == 0)
                    result = false;
                else
                {
                    foreach (var (call, siteModel) in sites)
                    {
                        if (!IsDeclaredDownstream(call, siteModel, depth + 1, ct))
                        {
                            result = false;
                            break;
                        }
                    }
                }
            }
            finally
            {
                inProgress.Remove(target);
            }
            if (inProgress.Count == 0 && t_pinned is null)
                _callersDeclareResult.TryAdd(target, result);
            return result;
        }

        /// <summary>
        /// Every call of a source method in the compilation, with the model of its tree; null when the method is
        /// also used otherwise (a method group, a failed binding), since then who gets or passes the builder is unknown.
        /// </summary>
        private List<(IInvocationOperation Call, SemanticModel Model)>? CallSites(IMethodSymbol method, SemanticModel model, CancellationToken ct)
        {
            var sites = new List<(IInvocationOperation, SemanticModel)>();
            if (t_pinned is { } pinned && SymbolEqualityComparer.Default.Equals(pinned.Method, method))
            {
                sites.Add((pinned.Call, pinned.Model));
                return sites;
            }
            if (!_namesByText.Value.TryGetValue(method.Name, out var names))
                return sites;
            foreach (var name in names)
            {
                ct.ThrowIfCancellationRequested();
                var siteModel = ModelFor(name.SyntaxTree, model);
                var info = siteModel.GetSymbolInfo(name, ct);
                if (info.Symbol is not IMethodSymbol symbol)
                {
                    if (info.CandidateSymbols.Any(c => c is IMethodSymbol && SymbolEqualityComparer.Default.Equals(Original(c), method)))
                        return null;
                    continue;
                }
                if (!SymbolEqualityComparer.Default.Equals(Original(symbol), method))
                    continue;
                var invocationSyntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name
                    ? access.Parent as InvocationExpressionSyntax
                    : name.Parent as InvocationExpressionSyntax;
                if (invocationSyntax is null || siteModel.GetOperation(invocationSyntax, ct) is not IInvocationOperation call)
                    return null;
                sites.Add((call, siteModel));
            }
            return sites;
        }

        private static IMethodSymbol Original(ISymbol symbol)
        {
            var method = (IMethodSymbol)symbol;
            return (method.ReducedFrom ?? method).OriginalDefinition;
        }

        /// <summary>Every simple name in the compilation's trees, by text; built once, only when a parameter is followed.</summary>
        private Dictionary<string, List<SimpleNameSyntax>> IndexNames()
        {
            var index = new Dictionary<string, List<SimpleNameSyntax>>(StringComparer.Ordinal);
            foreach (var tree in _compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    if (node is not SimpleNameSyntax name)
                        continue;
                    var text = name.Identifier.ValueText;
                    if (!index.TryGetValue(text, out var list))
                        index[text] = list = new List<SimpleNameSyntax>();
                    list.Add(name);
                }
            }
            return index;
        }

        /// <summary>
        /// <c>MapFallbackToController(action, controller)</c> reaches an action: its (or its controller's)
        /// declaration counts, as MVC adds them to the fallback endpoint's metadata.
        /// </summary>
        private bool FallbackTargetDeclared(IInvocationOperation invocation)
        {
            var name = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).Name;
            if (name is not ("MapFallbackToController" or "MapFallbackToAreaController"))
                return false;
            var action = StringArgument(invocation, "action");
            var controller = StringArgument(invocation, "controller");
            if (action is null || controller is null)
                return false;
            foreach (var symbol in _compilation.GetSymbolsWithName(n => string.Equals(n, controller + "Controller", StringComparison.OrdinalIgnoreCase)
                                                                    || string.Equals(n, controller, StringComparison.OrdinalIgnoreCase), SymbolFilter.Type))
            {
                if (symbol is not INamedTypeSymbol type || !EndpointRules.IsController(type))
                    continue;
                if (EndpointRules.DeclarationOf(type) != DeclarationKind.None)
                    return true;
                for (var current = type; current is not null; current = current.BaseType)
                {
                    foreach (var member in current.GetMembers())
                    {
                        if (member is IMethodSymbol m && string.Equals(m.Name, action, StringComparison.OrdinalIgnoreCase)
                            && EndpointRules.DeclarationOf(m) != DeclarationKind.None)
                            return true;
                    }
                }
            }
            return false;
        }
    }
}
