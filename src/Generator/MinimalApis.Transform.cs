using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Generator
{
    /// <summary>Minimal-API <c>Map*</c> calls → endpoint models (symbols and syntax stay in here).</summary>
    internal static class MinimalApisTransform
    {
        private const string FallbackPattern = "{*path:nonfile}";
        private const int MaxDepth = 64;

        /// <summary>Cheap syntactic filter: an invocation whose name is one of the Map* names.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is InvocationExpressionSyntax invocation
               && NameToken(invocation.Expression) is { } name
               && (EndpointRules.MapMethods.ContainsKey(name.ValueText) || EndpointRules.OtherEndpointMethods.ContainsKey(name.ValueText)
                   || (name.ValueText.StartsWith("Map", System.StringComparison.Ordinal) && name.ValueText != EndpointRules.MapGroupMethod));

        private static SyntaxToken? NameToken(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier,
            SimpleNameSyntax simple => simple.Identifier,
            _ => null,
        };

        public static EndpointModel? Transform(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            var model = context.SemanticModel;
            if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
                return null;
            var method = operation.TargetMethod.ReducedFrom ?? operation.TargetMethod;
            // MapHub, MapHealthChecks, MapFallbackTo*, and libraries' Map* (MapIdentityApi, MapStaticAssets...): one row each.
            var producer = !EndpointRules.IsMapEndpointMethod(operation.TargetMethod);
            if (producer && !EndpointRules.IsOtherEndpointMethod(operation.TargetMethod) && !EndpointRules.IsLibraryProducer(operation.TargetMethod))
                return Wrapped(invocation, operation, model, cancellationToken);
            var receiver = Receiver(operation);
            // Inside a wrapper (`static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder b, Delegate h, string p)
            // => b.MapPost(p, h)...`) the pattern is the wrapper's parameter: each call site is the row (see Wrapped).
            if (!producer && Unwrap(Argument(operation, "pattern")?.Value) is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol wrapper }
                && IsRouteHandlerWrapper(wrapper, operation, model, cancellationToken))
                return null;

            // Pattern.
            string? pattern;
            var patternKnown = true;
            if (Argument(operation, "pattern") is { } patternArgument)
            {
                pattern = patternArgument.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
                patternKnown = pattern is not null;
            }
            else
            {
                pattern = method.Name.StartsWith("MapFallback", System.StringComparison.Ordinal) ? FallbackPattern
                    : IsIdentityApi(method) ? string.Empty // its endpoints sit right under the caller's prefix
                    : null;
                patternKnown = pattern is not null;
            }
            var expansion = IsIdentityApi(method) ? ProducerExpansion.IdentityApi
                : method.Name == "MapHub" && patternKnown ? ProducerExpansion.Hub
                : ProducerExpansion.None;

            // HTTP methods.
            // MapFallbackToFile's endpoint carries HttpMethodMetadata(GET, HEAD) (StaticFilesEndpointRouteBuilderExtensions).
            var httpMethods = method.Name == "MapFallbackToFile" ? new[] { "GET", "HEAD" }
                : producer ? System.Array.Empty<string>() : EndpointRules.MapMethods[method.Name] is { } implied
                ? new[] { implied }
                : method.Name == "MapMethods" ? ConstantStrings(Argument(operation, "httpMethods")?.Value) : System.Array.Empty<string>();

            // Handler and its own attributes.
            var handlerArgument = Argument(operation, "handler") ?? Argument(operation, "requestDelegate");
            var (handlerName, handlerSymbol) = producer ? (method.Name, null) : Handler(handlerArgument?.Value, model, 0, cancellationToken);
            var handlerLevel = handlerSymbol is null ? DeclarationsTransform.Level.None : DeclarationsTransform.OfMethod(handlerSymbol);
            // MapHub<THub> copies the hub class's attributes to its endpoints, ahead of the caller's conventions.
            var hubLevel = method.Name == "MapHub" && operation.TargetMethod.TypeArguments.FirstOrDefault() is INamedTypeSymbol hub
                ? DeclarationsTransform.OfClass(hub)
                : DeclarationsTransform.Level.None;

            // The endpoint's own fluent chain.
            var endpointLevel = new DeclarationsTransform.Level();
            CollectFluentUpwards(invocation, operation.Type, model, endpointLevel, cancellationToken);

            // Enclosing groups.
            var groups = ResolveGroups(receiver, model, cancellationToken);

            // Outer → inner, as the metadata runs: groups, the handler's attributes, the endpoint's conventions.
            var levels = GroupLevels(groups);
            levels.Add(handlerLevel.ToModel(isMethod: true, DeclarationLevel.Handler));
            if (hubLevel.Declares)
                levels.Add(hubLevel.ToModel(isMethod: false, DeclarationLevel.Controller));
            levels.Add(endpointLevel.ToModel(isMethod: false, DeclarationLevel.Endpoint));

            // Route: outer prefixes first.
            string? combined = pattern ?? string.Empty;
            var constant = patternKnown;
            foreach (var group in groups.Groups)
            {
                if (group.Prefix is null)
                    constant = false;
                else
                    combined = Routes.CombineGroup(group.Prefix, combined);
            }
            RouteKind kind;
            string? route;
            if (!constant)
            {
                kind = RouteKind.NotConstant;
                route = null;
                combined = patternKnown ? Routes.Rooted(combined) : null;
            }
            else if (!groups.RootKnown)
            {
                kind = RouteKind.PrefixUnknown;
                route = null;
                combined = Routes.Rooted(combined);
            }
            else
            {
                kind = RouteKind.Constant;
                route = Routes.Rooted(combined);
                combined = route;
            }

            var nameToken = NameToken(invocation.Expression) ?? invocation.GetFirstToken();
            var line = nameToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            // Mapped on a method's parameter: its call sites give the prefix (when unknown here) and their groups' declarations.
            var receiverParameter = groups.RootKnown ? null : groups.UnresolvedParameter;
            return new EndpointModel(
                httpMethods.ToEquatableArray(),
                route,
                combined,
                kind,
                levels.ToEquatableArray(),
                handlerName,
                invocation.SyntaxTree.FilePath,
                line)
            {
                ReceiverParameter = receiverParameter,
                Expansion = expansion,
            };
        }

        /// <summary>The Map call a source wrapper method returns (through fluent calls), with what those calls declare.</summary>
        private static IInvocationOperation? WrappedMap(IMethodSymbol method, SemanticModel model, DeclarationsTransform.Level level, CancellationToken cancellationToken)
        {
            var current = Unwrap(ReturnedBuilder(method, model, cancellationToken));
            for (var depth = 0; depth < MaxDepth && current is IInvocationOperation call; depth++)
            {
                if (EndpointRules.IsMapEndpointMethod(call.TargetMethod))
                    return call;
                AddFluent(call, level);
                current = Unwrap(Receiver(call));
            }
            return null;
        }

        private static bool IsRouteHandlerWrapper(IMethodSymbol wrapper, IInvocationOperation map, SemanticModel model, CancellationToken cancellationToken)
            => wrapper.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction && !wrapper.ReturnsVoid
               && WrappedMap(wrapper, model, new DeclarationsTransform.Level(), cancellationToken) is { } found
               && found.Syntax == map.Syntax;

        /// <summary>
        /// A call of a source wrapper returning a Map call's builder: the row of the endpoint it maps, with the call's
        /// arguments for the wrapper's parameters (pattern, handler, builder) and the call's own fluent declarations.
        /// </summary>
        private static EndpointModel? Wrapped(InvocationExpressionSyntax invocation, IInvocationOperation operation, SemanticModel model, CancellationToken cancellationToken)
        {
            var wrapper = (operation.TargetMethod.ReducedFrom ?? operation.TargetMethod).OriginalDefinition;
            if (wrapper.DeclaringSyntaxReferences.IsEmpty || wrapper.ReturnsVoid || operation.Type is null)
                return null;
            var endpointLevel = new DeclarationsTransform.Level();
            // Only when the pattern is the wrapper's parameter: otherwise the Map call inside is the row (call sites give its prefix).
            if (WrappedMap(wrapper, model, endpointLevel, cancellationToken) is not { } map
                || Unwrap(Argument(map, "pattern")?.Value) is not IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol owner }
                || !SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, wrapper))
                return null;
            var bindings = new Dictionary<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var argument in operation.Arguments)
            {
                if (argument.Parameter is { } parameter)
                    bindings[parameter.OriginalDefinition] = argument.Value;
            }
            var mapMethod = map.TargetMethod.ReducedFrom ?? map.TargetMethod;
            var pattern = ConstantString(Argument(map, "pattern")?.Value, bindings);
            var httpMethods = EndpointRules.MapMethods.TryGetValue(mapMethod.Name, out var implied) && implied is not null
                ? new[] { implied }
                : System.Array.Empty<string>();
            var handlerValue = (Argument(map, "handler") ?? Argument(map, "requestDelegate"))?.Value;
            if (Unwrap(handlerValue) is IParameterReferenceOperation handlerParameter
                && bindings.TryGetValue(handlerParameter.Parameter.OriginalDefinition, out var boundHandler))
                handlerValue = boundHandler;
            var (handlerName, handlerSymbol) = Handler(handlerValue, model, 0, cancellationToken);
            var handlerLevel = handlerSymbol is null ? DeclarationsTransform.Level.None : DeclarationsTransform.OfMethod(handlerSymbol);
            CollectFluentUpwards(invocation, operation.Type, model, endpointLevel, cancellationToken);
            var groups = ResolveGroups(Receiver(map), model, cancellationToken, bindings);

            var levels = GroupLevels(groups);
            levels.Add(handlerLevel.ToModel(isMethod: true, DeclarationLevel.Handler));
            levels.Add(endpointLevel.ToModel(isMethod: false, DeclarationLevel.Endpoint));
            var combined = pattern ?? string.Empty;
            var constant = pattern is not null;
            foreach (var group in groups.Groups)
            {
                if (group.Prefix is null)
                    constant = false;
                else
                    combined = Routes.CombineGroup(group.Prefix, combined);
            }
            var kind = !constant ? RouteKind.NotConstant : !groups.RootKnown ? RouteKind.PrefixUnknown : RouteKind.Constant;
            var route = kind == RouteKind.Constant ? Routes.Rooted(combined) : null;
            var nameToken = NameToken(invocation.Expression) ?? invocation.GetFirstToken();
            return new EndpointModel(
                httpMethods.ToEquatableArray(),
                route,
                pattern is null ? null : Routes.Rooted(combined),
                kind,
                levels.ToEquatableArray(),
                handlerName,
                invocation.SyntaxTree.FilePath,
                nameToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1)
            {
                ReceiverParameter = groups.RootKnown ? null : groups.UnresolvedParameter,
            };
        }

        private static bool IsIdentityApi(IMethodSymbol method)
            => method.Name == "MapIdentityApi"
               && method.ContainingType?.Name == "IdentityApiEndpointRouteBuilderExtensions";

        public static bool IsMapControllersCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is InvocationExpressionSyntax invocation && NameToken(invocation.Expression) is { ValueText: EndpointRules.MapControllersMethod };

        /// <summary><c>MapControllers()</c>: its groups and its fluent declarations, which MVC adds to every action's endpoint.</summary>
        public static ControllerConventionsModel? ControllerConventions(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            if (context.SemanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || (operation.TargetMethod.ReducedFrom ?? operation.TargetMethod).ContainingType?.ToDisplayString() != "Microsoft.AspNetCore.Builder.ControllerEndpointRouteBuilderExtensions")
                return null;
            var levels = GroupLevels(ResolveGroups(Receiver(operation), context.SemanticModel, cancellationToken));
            var own = new DeclarationsTransform.Level();
            CollectFluentUpwards(invocation, operation.Type, context.SemanticModel, own, cancellationToken);
            levels.Add(own.ToModel(isMethod: false, DeclarationLevel.Endpoint));
            return new ControllerConventionsModel(levels.ToEquatableArray());
        }

        /// <summary>
        /// Cheap syntactic filter for call sites, by name: methods that map endpoints on a builder they are given
        /// follow ASP.NET Core's <c>MapXxx</c> convention (or name routes/endpoints). Binding every invocation of
        /// the project on each edit would cost the IDE too much; a method named otherwise keeps its rows'
        /// routes unknown.
        /// </summary>
        public static bool IsCallSiteCandidate(SyntaxNode node, CancellationToken cancellationToken)
        {
            if (node is not InvocationExpressionSyntax invocation || NameToken(invocation.Expression) is not { } token)
                return false;
            var name = token.ValueText;
            if (EndpointRules.MapMethods.ContainsKey(name) || name == EndpointRules.MapGroupMethod || name == EndpointRules.MapControllersMethod)
                return false;
            return name.StartsWith("Map", System.StringComparison.Ordinal)
                   || name.IndexOf("Endpoint", System.StringComparison.Ordinal) >= 0
                   || name.IndexOf("Route", System.StringComparison.Ordinal) >= 0;
        }

        /// <summary>
        /// A call passing a route builder to a method declared in this compilation: one model per such argument,
        /// with the prefix the builder carries at the call.
        /// </summary>
        public static EquatableArray<CallSiteModel> CallSites(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var model = context.SemanticModel;
            if (model.GetSymbolInfo(context.Node, cancellationToken).Symbol is not IMethodSymbol target)
                return EquatableArray<CallSiteModel>.Empty;
            var definition = (target.ReducedFrom ?? target).OriginalDefinition;
            if (!definition.Locations.Any(l => l.IsInSource) || !definition.Parameters.Any(p => IsRouteBuilder(p.Type))
                || model.GetOperation(context.Node, cancellationToken) is not IInvocationOperation call)
                return EquatableArray<CallSiteModel>.Empty;

            var sites = new List<CallSiteModel>();
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not { } parameter || !IsRouteBuilder(parameter.Type))
                    continue;
                var chain = ResolveGroups(argument.Value, model, cancellationToken);
                var prefix = string.Empty;
                var constant = true;
                foreach (var group in chain.Groups)
                {
                    if (group.Prefix is null)
                        constant = false;
                    else
                        prefix = Routes.CombineGroup(group.Prefix, prefix);
                }
                sites.Add(new CallSiteModel(
                    ParameterKey(definition, parameter.Ordinal),
                    prefix,
                    constant && chain.RootKnown,
                    !chain.RootKnown ? chain.UnresolvedParameter : null)
                {
                    Levels = GroupLevels(chain).ToEquatableArray(),
                    PrefixConstant = constant,
                });
            }
            return sites.ToEquatableArray();
        }

        private static List<LevelModel> GroupLevels(GroupChain chain)
            => chain.Groups.AsEnumerable().Reverse().Select(g => g.Level.ToModel(isMethod: false, DeclarationLevel.Group)).ToList();

        private static bool IsRouteBuilder(ITypeSymbol type)
            => type.ToDisplayString() == "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder"
               || type.AllInterfaces.Any(i => i.ToDisplayString() == "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");

        /// <summary>Names a parameter of a source method across the compilation.</summary>
        internal static string ParameterKey(IMethodSymbol method, int ordinal)
        {
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            var id = definition.MethodKind == MethodKind.LocalFunction
                ? definition.ContainingSymbol.ToDisplayString() + "/" + definition.ToDisplayString()
                : definition.GetDocumentationCommentId() ?? definition.ToDisplayString();
            return id + "#" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static IOperation? Receiver(IInvocationOperation operation)
        {
            if (operation.Instance is not null)
                return operation.Instance;
            var method = operation.TargetMethod;
            if (method.IsExtensionMethod || method.ReducedFrom is not null)
                return operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
            return null;
        }

        private static IArgumentOperation? Argument(IInvocationOperation operation, string parameterName)
            => operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameterName);

        private static IOperation? Unwrap(IOperation? operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>Upper-case constant strings of an array or collection expression; empty when any is not constant.</summary>
        private static string[] ConstantStrings(IOperation? operation)
        {
            IEnumerable<IOperation>? elements = Unwrap(operation) switch
            {
                IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                ICollectionExpressionOperation collection => collection.Elements,
                _ => null,
            };
            if (elements is null)
                return System.Array.Empty<string>();
            var result = new List<string>();
            foreach (var element in elements)
            {
                if (element.ConstantValue is { HasValue: true, Value: string value })
                    result.Add(value.ToUpperInvariant());
                else
                    return System.Array.Empty<string>();
            }
            return result.Distinct().OrderBy(m => m, System.StringComparer.Ordinal).ToArray();
        }

        /// <summary>The handler's display name and method: lambda, method group, local function, or a local holding one.</summary>
        private static (string Name, IMethodSymbol? Symbol) Handler(IOperation? operation, SemanticModel model, int depth, CancellationToken cancellationToken)
        {
            operation = Unwrap(operation);
            while (operation is IDelegateCreationOperation creation)
                operation = Unwrap(creation.Target);
            switch (operation)
            {
                case ILocalReferenceOperation local when depth < MaxDepth
                    && local.Local.DeclaringSyntaxReferences.Length == 1
                    && local.Local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                    && declarator.SyntaxTree == model.SyntaxTree:
                    var resolved = Handler(model.GetOperation(initializer.Value, cancellationToken), model, depth + 1, cancellationToken);
                    return resolved.Symbol is null ? (local.Local.Name, null) : resolved;
                case IAnonymousFunctionOperation lambda:
                    return ("lambda", lambda.Symbol);
                case IMethodReferenceOperation reference:
                    var target = reference.Method;
                    var name = target.MethodKind == MethodKind.LocalFunction || target.ContainingType is null
                        ? target.Name
                        : target.ContainingType.Name + "." + target.Name;
                    return (name, target);
                case ILocalReferenceOperation local:
                    return (local.Local.Name, null);
                case IParameterReferenceOperation parameter:
                    return (parameter.Parameter.Name, null);
                case IFieldReferenceOperation field:
                    return (field.Field.ContainingType.Name + "." + field.Field.Name, null);
                case IPropertyReferenceOperation property:
                    return (property.Property.ContainingType.Name + "." + property.Property.Name, null);
                default:
                    return ("delegate", null);
            }
        }

        /// <summary>
        /// Fluent calls made on <paramref name="start"/>'s result: <c>.RequireKey(...)</c>, <c>.AllowAnonymous()</c>,
        /// ... as long as each call returns the same builder type; when the chain ends as a local's initializer,
        /// the calls made on that local later count too.
        /// </summary>
        private static void CollectFluentUpwards(ExpressionSyntax start, ITypeSymbol? builderType, SemanticModel model,
            DeclarationsTransform.Level level, CancellationToken cancellationToken)
        {
            var top = WalkUp(start, builderType, model, level, cancellationToken);
            if (top.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                && model.GetDeclaredSymbol(declarator, cancellationToken) is ILocalSymbol local)
            {
                UsesOf(local, declarator, local.Type, model, cancellationToken).ReplayInto(level);
            }
        }

        /// <summary>
        /// What is done with a local or parameter holding a builder: the fluent declarations made on it anywhere in
        /// its body, and whether it is assigned again. Computed once per symbol and semantic model: a Program.cs
        /// with hundreds of endpoints on one group would otherwise rescan its body for every endpoint.
        /// </summary>
        private static Uses UsesOf(ISymbol symbol, SyntaxNode declaration, ITypeSymbol? builderType, SemanticModel model, CancellationToken cancellationToken)
        {
            var cache = s_uses.GetValue(model, static _ => new ConcurrentDictionary<ISymbol, Uses>(SymbolEqualityComparer.Default));
            if (cache.TryGetValue(symbol, out var cached))
                return cached;
            var uses = new Uses();
            foreach (var reference in References(symbol, declaration, model, cancellationToken))
            {
                if (reference.Parent is AssignmentExpressionSyntax assignment && assignment.Left == reference)
                    uses.Reassigned = true;
                WalkUp(reference, builderType, model, uses.Level, cancellationToken);
            }
            return cache.GetOrAdd(symbol, uses);
        }

        private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<ISymbol, Uses>> s_uses =
            new ConditionalWeakTable<SemanticModel, ConcurrentDictionary<ISymbol, Uses>>();

        private sealed class Uses
        {
            public DeclarationsTransform.Level Level { get; } = new DeclarationsTransform.Level();

            public bool Reassigned { get; set; }

            public void ReplayInto(DeclarationsTransform.Level target)
            {
                foreach (var item in Level.Items)
                    target.Add(item);
            }
        }

        private static ExpressionSyntax WalkUp(ExpressionSyntax node, ITypeSymbol? builderType, SemanticModel model,
            DeclarationsTransform.Level level, CancellationToken cancellationToken)
        {
            while (node.Parent is MemberAccessExpressionSyntax member && member.Expression == node
                   && member.Parent is InvocationExpressionSyntax outer && outer.Expression == member
                   && model.GetOperation(outer, cancellationToken) is IInvocationOperation call
                   && SymbolEqualityComparer.Default.Equals(call.Type, builderType))
            {
                AddFluent(call, level);
                node = outer;
            }
            return node;
        }

        /// <summary>
        /// Adds a fluent declaration to <paramref name="level"/>: RequireKey, RequireAuthorization, AllowAnonymous
        /// (<see cref="EndpointRules.FluentDeclaration"/>), or WithMetadata(auth attribute) as the analyzer counts it.
        /// </summary>
        /// <returns>True when the call declares something.</returns>
        private static bool AddFluent(IInvocationOperation call, DeclarationsTransform.Level level)
        {
            var original = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            if (FluentItem(call, original) is { } fluent)
            {
                level.Add(fluent);
                return fluent.Kind is not (DeclarationItemKind.Workspace or DeclarationItemKind.OrAuthorization);
            }
            if (original.Name != "WithMetadata" || original.ContainingNamespace?.ToDisplayString() != "Microsoft.AspNetCore.Builder")
                return false;
            var declared = false;
            foreach (var argument in call.Arguments)
            {
                if (call.Instance is null && original.IsExtensionMethod && argument.Parameter?.Ordinal == 0)
                    continue;
                var value = Unwrap(argument.Value);
                var items = value is IArrayCreationOperation { Initializer: { } initializer }
                    ? initializer.ElementValues.Select(e => Unwrap(e))
                    : new[] { value };
                foreach (var item in items)
                {
                    if (EndpointRules.KindOf(item?.Type) is not { } itemKind)
                        continue;
                    level.Add(new DeclarationItem(itemKind, itemKind == DeclarationItemKind.Key ? CreatedPermission(item) : null));
                    declared |= itemKind is not (DeclarationItemKind.Workspace or DeclarationItemKind.OrAuthorization);
                }
            }
            return declared;
        }

        /// <summary>Our fluent declarations and ASP.NET Core's RequireAuthorization/AllowAnonymous, as declaration items.</summary>
        private static DeclarationItem? FluentItem(IInvocationOperation call, IMethodSymbol original)
        {
            if (!original.IsExtensionMethod)
                return null;
            var ns = original.ContainingNamespace?.ToDisplayString();
            if (ns == "Microsoft.AspNetCore.Builder")
            {
                return original.Name switch
                {
                    EndpointRules.RequireAuthorizationMethod => new DeclarationItem(DeclarationItemKind.Authorize),
                    EndpointRules.AllowAnonymousMethod => new DeclarationItem(DeclarationItemKind.AllowAnonymous),
                    _ => null,
                };
            }
            if (ns != "Declarative.Auth")
                return null;
            return original.Name switch
            {
                EndpointRules.RequireKeyMethod => new DeclarationItem(DeclarationItemKind.Key, FluentPermission(call)),
                "RequireKeyWhereUndeclared" => new DeclarationItem(DeclarationItemKind.KeyWhereUndeclared, FluentPermission(call)),
                "AllowAnonymousWhereUndeclared" => new DeclarationItem(DeclarationItemKind.AllowAnonymousWhereUndeclared),
                "RequireAnyKey" => new DeclarationItem(DeclarationItemKind.AnyKey),
                "RequireOrganizationsKey" => new DeclarationItem(DeclarationItemKind.OrganizationsKey),
                "AcceptEventWriteKeys" => new DeclarationItem(DeclarationItemKind.EventIngestion),
                "RequireWorkspace" => new DeclarationItem(DeclarationItemKind.Workspace),
                "OrAuthorization" => new DeclarationItem(DeclarationItemKind.OrAuthorization,
                    Argument(call, "policy")?.Value.ConstantValue is { HasValue: true, Value: string policy } ? policy : null),
                _ => null,
            };
        }

        /// <summary>The permission of <c>new RequiresKeyAttribute(KeyType.X) { Scope = "y" }</c>; null when not constant.</summary>
        private static string? CreatedPermission(IOperation? operation)
        {
            if (operation is not IObjectCreationOperation creation
                || creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "type")?.Value.ConstantValue is not { HasValue: true, Value: not null } type)
                return null;
            string? scope = null;
            foreach (var initializer in creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Scope" } } assignment)
                {
                    if (assignment.Value.ConstantValue is not { HasValue: true } constant || constant.Value is not (string or null))
                        return null;
                    scope = constant.Value as string;
                }
            }
            return DeclarationsTransform.Format(System.Convert.ToInt32(type.Value, System.Globalization.CultureInfo.InvariantCulture), scope);
        }

        /// <summary>The permission of <c>RequireKey(KeyType, scope)</c>; null when its arguments are not constant.</summary>
        private static string? FluentPermission(IInvocationOperation call)
        {
            var type = Argument(call, "type")?.Value.ConstantValue;
            if (type is not { HasValue: true, Value: not null })
                return null;
            var scope = Argument(call, "scope")?.Value.ConstantValue;
            if (scope is { HasValue: true, Value: not string and not null } || scope is { HasValue: false })
                return null;
            return DeclarationsTransform.Format(System.Convert.ToInt32(type.Value.Value, System.Globalization.CultureInfo.InvariantCulture), scope?.Value as string);
        }

        /// <summary>References to a local or parameter in its enclosing body, other than its declaration.</summary>
        private static IEnumerable<IdentifierNameSyntax> References(ISymbol local, SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
        {
            var body = declaration.Ancestors().FirstOrDefault(a =>
                a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax
                    or AccessorDeclarationSyntax or CompilationUnitSyntax);
            if (body is null)
                yield break;
            foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                    yield return identifier;
            }
        }

        internal sealed class Group
        {
            public Group(string? prefix, DeclarationsTransform.Level level)
            {
                Prefix = prefix;
                Level = level;
            }

            /// <summary>The constant prefix; null when not constant.</summary>
            public string? Prefix { get; }

            public DeclarationsTransform.Level Level { get; }
        }

        internal sealed class GroupChain
        {
            public List<Group> Groups { get; } = new List<Group>();

            /// <summary>True when the chain ends at the application itself, so the prefixes are complete.</summary>
            public bool RootKnown { get; set; }

            /// <summary>When the chain ends at a parameter of a source method: its <see cref="ParameterKey"/>.</summary>
            public string? UnresolvedParameter { get; set; }
        }

        /// <summary>
        /// Follows a Map call's receiver down to the application: through MapGroup calls (each one a level),
        /// fluent calls (declarations of the group being built), and locals assigned once.
        /// </summary>
        internal static GroupChain ResolveGroups(IOperation? receiver, SemanticModel model, CancellationToken cancellationToken,
            Dictionary<IParameterSymbol, IOperation>? initialBindings = null)
        {
            var chain = new GroupChain();
            var pending = new DeclarationsTransform.Level();
            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            // A helper's parameters → the arguments of the call being followed through (see ReturnedBuilder).
            var bindings = initialBindings is null
                ? new Dictionary<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default)
                : new Dictionary<IParameterSymbol, IOperation>(initialBindings, SymbolEqualityComparer.Default);
            var current = receiver;
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = Unwrap(current);
                if (current is null)
                    return chain;
                // Followed into a helper declared in another file: read it with its own tree's model.
                if (current.SemanticModel is { } own)
                    model = own;
                if (IsApplication(current.Type))
                {
                    chain.RootKnown = true;
                    return chain;
                }
                switch (current)
                {
                    case IInvocationOperation call:
                    {
                        var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
                        var next = Receiver(call);
                        if (IsMapGroup(method))
                        {
                            var prefix = ConstantString(Argument(call, "prefix")?.Value, bindings);
                            chain.Groups.Add(new Group(prefix, pending));
                            pending = new DeclarationsTransform.Level();
                            current = next;
                            continue;
                        }
                        if (next is not null && (AddFluent(call, pending) || SymbolEqualityComparer.Default.Equals(call.Type, next.Type)))
                        {
                            current = next;
                            continue;
                        }
                        // A helper returning a group (`static RouteGroupBuilder AdminGroup(IEndpointRouteBuilder r, string
                        // prefix = "/helper") => r.MapGroup(prefix).RequireKey(...)`): follow what it returns, its
                        // parameters standing for this call's arguments (defaults included).
                        if (call.Type is { } returnedType && IsRouteBuilder(returnedType) && visited.Add(method)
                            && ReturnedBuilder(method, model, cancellationToken) is { } returned)
                        {
                            foreach (var argument in call.Arguments)
                            {
                                if (argument.Parameter is { } bound)
                                    bindings[bound.OriginalDefinition] = argument.Value;
                            }
                            current = returned;
                            continue;
                        }
                        return chain;
                    }
                    case ILocalReferenceOperation localReference:
                    {
                        var local = localReference.Local;
                        if (!visited.Add(local) || local.DeclaringSyntaxReferences.Length != 1
                            || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                            || declarator.SyntaxTree != model.SyntaxTree)
                            return chain;
                        var uses = UsesOf(local, declarator, local.Type, model, cancellationToken);
                        if (uses.Reassigned)
                            return chain; // assigned more than once: the prefix is not certain
                        uses.ReplayInto(pending);
                        current = model.GetOperation(initializer.Value, cancellationToken);
                        continue;
                    }
                    case IParameterReferenceOperation parameterReference
                        when bindings.TryGetValue(parameterReference.Parameter.OriginalDefinition, out var argumentValue):
                        current = argumentValue;
                        continue;
                    case IParameterReferenceOperation parameterReference:
                    {
                        var parameter = parameterReference.Parameter;
                        chain.RootKnown = IsUseEndpointsCallback(parameter, cancellationToken);
                        if (!chain.RootKnown && parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } owner)
                            chain.UnresolvedParameter = ParameterKey(owner, parameter.Ordinal);
                        // Fluent calls on the parameter inside its method declare what it holds (prefix unknown).
                        if (parameter.DeclaringSyntaxReferences.Length == 1
                            && parameter.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is { } declaration
                            && declaration.SyntaxTree == model.SyntaxTree)
                        {
                            UsesOf(parameter, declaration, parameter.Type, model, cancellationToken).ReplayInto(pending);
                        }
                        if (pending.Declares)
                            chain.Groups.Add(new Group(string.Empty, pending));
                        return chain;
                    }
                    default:
                        return chain;
                }
            }
            return chain;
        }

        /// <summary>A constant string, through helper parameters bound to constant arguments; null otherwise.</summary>
        private static string? ConstantString(IOperation? value, Dictionary<IParameterSymbol, IOperation> bindings)
        {
            for (var depth = 0; depth < MaxDepth && value is not null; depth++)
            {
                value = Unwrap(value);
                if (value?.ConstantValue is { HasValue: true, Value: string text })
                    return text;
                if (value is not IParameterReferenceOperation reference
                    || !bindings.TryGetValue(reference.Parameter.OriginalDefinition, out value))
                    return null;
            }
            return null;
        }

        /// <summary>
        /// The builder a source method returns: its expression body, or the expression of its one <c>return</c>
        /// (the last statement). Null for anything else (several returns, no source).
        /// </summary>
        private static IOperation? ReturnedBuilder(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken)
        {
            var definition = method.OriginalDefinition;
            if (definition.DeclaringSyntaxReferences.Length != 1)
                return null;
            var syntax = definition.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            ExpressionSyntax? returned = null;
            BlockSyntax? body = null;
            switch (syntax)
            {
                case MethodDeclarationSyntax declaration:
                    returned = declaration.ExpressionBody?.Expression;
                    body = declaration.Body;
                    break;
                case LocalFunctionStatementSyntax local:
                    returned = local.ExpressionBody?.Expression;
                    body = local.Body;
                    break;
            }
            if (returned is null && body is not null)
            {
                var returns = body.DescendantNodes(n => n == body || !(n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                    .OfType<ReturnStatementSyntax>().ToList();
                if (returns.Count == 1 && body.Statements.LastOrDefault() == returns[0])
                    returned = returns[0].Expression;
            }
            if (returned is null)
                return null;
            if (syntax.SyntaxTree == model.SyntaxTree)
                return model.GetOperation(returned, cancellationToken);
            return model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree)
                ? model.Compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(returned, cancellationToken)
                : null;
        }

        private static bool IsMapGroup(IMethodSymbol method)
            => method.Name == EndpointRules.MapGroupMethod
               && method.ContainingType?.ToDisplayString() == "Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions";

        private static bool IsApplication(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.ToDisplayString() == "Microsoft.AspNetCore.Builder.WebApplication")
                    return true;
            }
            return false;
        }

        /// <summary><c>app.UseEndpoints(endpoints => ...)</c>: the callback's builder is the application's.</summary>
        private static bool IsUseEndpointsCallback(IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
                || lambda.DeclaringSyntaxReferences.Length != 1)
                return false;
            var syntax = lambda.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            return syntax.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
                   && NameToken(invocation.Expression) is { ValueText: "UseEndpoints" };
        }
    }
}
