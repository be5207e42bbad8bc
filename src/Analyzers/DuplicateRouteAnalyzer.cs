using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH007: two endpoints (minimal APIs, attribute-routed controller actions) with the same route (parameter names ignored, constraints kept, case
    /// ignored) and an overlapping HTTP method whose requirements differ. Only endpoints whose route is fully
    /// constant (every group prefix known) and whose requirement is read from the handler's attributes or the
    /// endpoint's own chain are compared; any other endpoint is left out rather than guessed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DuplicateRouteAnalyzer : DiagnosticAnalyzer
    {
        private static readonly string[] KeyTypeNames = { "read", "write", "delete", "admin" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.ConflictingDuplicateRoute);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var types = new KnownTypes(start.Compilation);
                if (!types.HasRouting)
                    return;
                var endpoints = new ConcurrentBag<Endpoint>();
                start.RegisterOperationAction(c => Collect(c, types, endpoints), OperationKind.Invocation);
                if (types.HasMvc)
                    start.RegisterSymbolAction(c => CollectActions(c, endpoints), SymbolKind.NamedType);
                start.RegisterCompilationEndAction(c => ReportDuplicates(c, endpoints));
            });
        }

        private sealed class Endpoint
        {
            public Endpoint(string display, string routeKey, string[] methods, string requirement, Location location)
            {
                Display = display;
                RouteKey = routeKey;
                Methods = methods;
                Requirement = requirement;
                Location = location;
            }

            public string Display { get; }
            public string RouteKey { get; }
            public string[] Methods { get; }
            public string Requirement { get; }
            public Location Location { get; }
        }

        private static void Collect(OperationAnalysisContext context, KnownTypes types, ConcurrentBag<Endpoint> endpoints)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!EndpointRules.MapMethods.TryGetValue(method.Name, out var implied) || !EndpointRules.IsMapEndpointMethod(method) || method.Name == "MapFallback")
                return;
            var model = invocation.SemanticModel;
            if (model is null)
                return;
            var pattern = MinimalApiEndpoints.StringArgument(invocation, "pattern");
            var receiver = MinimalApiEndpoints.Receiver(invocation);
            var prefix = receiver is null ? null : KnownPrefix(receiver, model, 0, context.CancellationToken);
            if (pattern is null || prefix is null)
                return;
            var httpMethods = implied ?? MinimalApiEndpoints.HttpMethodsArgument(invocation) ?? (method.Name == "Map" ? "*" : null);
            if (httpMethods is null)
                return;
            var requirement = Requirement(invocation, types, model, context.CancellationToken);
            if (requirement is null)
                return;
            var route = EndpointText.CombineRoutes(prefix, pattern);
            endpoints.Add(new Endpoint(
                (httpMethods == "*" ? "ANY" : httpMethods) + " " + route, RouteKey(route),
                httpMethods.Split(',').Select(m => m.Trim().ToUpperInvariant()).ToArray(),
                requirement, MinimalApiEndpoints.NameLocation(invocation.Syntax)));
        }

        /// <summary>Attribute-routed actions declared in a controller, with their own (else the class's own) requirement.</summary>
        private static void CollectActions(SymbolAnalysisContext context, ConcurrentBag<Endpoint> endpoints)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!EndpointRules.IsController(type))
                return;
            var classTemplate = ControllerEndpoints.ClassRouteTemplate(type);
            var controllerName = type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;
            var classRequirement = RequirementOf(type.GetAttributes());
            foreach (var member in type.GetMembers())
            {
                if (member is not IMethodSymbol method || !EndpointRules.IsAction(method))
                    continue;
                var location = method.Locations.FirstOrDefault(l => l.IsInSource);
                var (verbs, template) = ControllerEndpoints.HttpFacts(method);
                var route = ControllerEndpoints.Route(classTemplate, template, controllerName, EndpointRules.ActionName(method));
                if (location is null || verbs is null || route is null)
                    continue;
                var own = RequirementOf(method.GetAttributes());
                var requirement = own is { Length: 0 } ? classRequirement : own;
                if (requirement is null || requirement.Length == 0)
                    continue;
                endpoints.Add(new Endpoint(verbs + " " + route + " (" + type.Name + "." + method.Name + ")", RouteKey(route),
                    verbs.Split(',').Select(m => m.Trim().ToUpperInvariant()).ToArray(), requirement, location));
            }
        }

        /// <summary>The requirement one level of attributes states; "" when it states none; null when it cannot be read.</summary>
        private static string? RequirementOf(ImmutableArray<AttributeData> attributes)
        {
            var level = AttributeLevel.Read(attributes);
            if (level.Unreadable || level.Authorize)
                return null; // policies are not compared
            return level.Keys ?? (level.Anonymous ? "anonymous" : string.Empty);
        }

        /// <summary>What one level of attributes declares: its key permissions (joined), AllowAnonymous, Authorize.</summary>
        private readonly struct AttributeLevel
        {
            private AttributeLevel(string? keys, bool anonymous, bool authorize, bool unreadable)
            {
                Keys = keys;
                Anonymous = anonymous;
                Authorize = authorize;
                Unreadable = unreadable;
            }

            /// <summary>The key permissions, distinct, ordinal, joined with " + "; null when there are none.</summary>
            public string? Keys { get; }

            public bool Anonymous { get; }

            public bool Authorize { get; }

            /// <summary>A key declaration whose permission is not constant.</summary>
            public bool Unreadable { get; }

            public static AttributeLevel Read(ImmutableArray<AttributeData> attributes)
            {
                var keys = new List<string>();
                var anonymous = false;
                var authorize = false;
                foreach (var attribute in attributes)
                {
                    switch (EndpointRules.Classify(attribute))
                    {
                        case DeclarationKind.RequiresKey:
                            if (Permission(attribute) is not { } permission)
                                return new AttributeLevel(null, false, false, unreadable: true);
                            keys.Add(permission);
                            break;
                        case DeclarationKind.AllowAnonymous:
                            anonymous = true;
                            break;
                        case DeclarationKind.Authorize:
                            authorize = true;
                            break;
                    }
                }
                var joined = keys.Count > 0 ? string.Join(" + ", keys.Distinct().OrderBy(k => k, StringComparer.Ordinal)) : null;
                return new AttributeLevel(joined, anonymous, authorize, unreadable: false);
            }
        }

        /// <summary>The full constant prefix of a builder, or null when any part of it is unknown.</summary>
        private static string? KnownPrefix(IOperation builder, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > 16)
                return null;
            var operation = MinimalApiEndpoints.Unwrap(builder);
            if (operation.Type?.Name == "WebApplication")
                return operation is IInvocationOperation or ILocalReferenceOperation or IParameterReferenceOperation ? string.Empty : null;
            switch (operation)
            {
                case IInvocationOperation invocation when MinimalApiEndpoints.IsMapGroup(invocation.TargetMethod):
                {
                    var prefix = MinimalApiEndpoints.StringArgument(invocation, "prefix");
                    var receiver = MinimalApiEndpoints.Receiver(invocation);
                    var outer = receiver is null ? null : KnownPrefix(receiver, model, depth + 1, ct);
                    return prefix is null || outer is null ? null : EndpointText.CombineRoutes(outer, prefix);
                }
                case IInvocationOperation invocation when MinimalApiEndpoints.IsPassThrough(invocation.TargetMethod):
                {
                    var receiver = MinimalApiEndpoints.Receiver(invocation);
                    return receiver is null ? null : KnownPrefix(receiver, model, depth + 1, ct);
                }
                case ILocalReferenceOperation local:
                {
                    var initializer = MinimalApiEndpoints.InitializerOf(local.Local, model, ct);
                    return initializer is null ? null : KnownPrefix(initializer, model, depth + 1, ct);
                }
                default:
                    return null;
            }
        }

        /// <summary>"/v1/Items/{id:int}/" → "/v1/items/{:int}": what makes two templates match the same requests.</summary>
        private static string RouteKey(string route)
        {
            var builder = new StringBuilder();
            var i = 0;
            while (i < route.Length)
            {
                var c = route[i];
                if (c == '{')
                {
                    var end = route.IndexOf('}', i);
                    if (end < 0)
                        end = route.Length - 1;
                    var inner = route.Substring(i + 1, end - i - 1);
                    var colon = inner.IndexOf(':');
                    var optional = inner.EndsWith("?", StringComparison.Ordinal) ? "?" : string.Empty;
                    var catchAll = inner.StartsWith("*", StringComparison.Ordinal) ? "*" : string.Empty;
                    builder.Append('{').Append(catchAll).Append(colon >= 0 ? inner.Substring(colon).ToLowerInvariant() : string.Empty).Append(optional).Append('}');
                    i = end + 1;
                    continue;
                }
                builder.Append(char.ToLowerInvariant(c));
                i++;
            }
            var key = builder.ToString().TrimEnd('/');
            return key.Length == 0 ? "/" : key;
        }

        /// <summary>What the endpoint requires, from its handler's attributes or its own chain; null when neither says.</summary>
        private static string? Requirement(IInvocationOperation invocation, KnownTypes types, SemanticModel model, CancellationToken ct)
        {
            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter is { } p
                && (SymbolEqualityComparer.Default.Equals(p.Type, types.Delegate) || SymbolEqualityComparer.Default.Equals(p.Type, types.RequestDelegate)));
            var handler = argument is null ? default : MinimalApiEndpoints.ResolveHandler(argument.Value, model, 0, ct);
            if (handler.Method is not null)
            {
                var level = AttributeLevel.Read(handler.Method.GetAttributes());
                if (level.Unreadable)
                    return null;
                if (level.Keys is not null)
                    return level.Keys;
                if (level.Anonymous)
                    return "anonymous";
                if (level.Authorize)
                    return null; // policies are not compared
            }
            string? result = null;
            foreach (var call in FluentChain.Downstream(invocation))
            {
                var kind = EndpointRules.FluentDeclaration(call.TargetMethod);
                var name = (call.TargetMethod.ReducedFrom ?? call.TargetMethod).Name;
                if (kind == DeclarationKind.AllowAnonymous)
                    result = "anonymous";
                else if (kind == DeclarationKind.RequiresKey && name == EndpointRules.RequireKeyMethod)
                {
                    var type = call.Arguments.FirstOrDefault(a => a.Parameter?.Name == "type");
                    var scope = call.Arguments.FirstOrDefault(a => a.Parameter?.Name == "scope");
                    if (type is null || MinimalApiEndpoints.Unwrap(type.Value).ConstantValue is not { HasValue: true, Value: int value } || value < 0 || value > 3)
                        return null;
                    var scopeValue = scope is null ? default : MinimalApiEndpoints.Unwrap(scope.Value).ConstantValue;
                    if (scope is not null && !scopeValue.HasValue)
                        return null;
                    result = value == 3 ? "admin" : KeyTypeNames[value] + ":" + scopeValue.Value;
                }
                else if (kind != DeclarationKind.None)
                    return null;
            }
            return result;
        }

        private static string? Permission(AttributeData attribute)
        {
            if (attribute.AttributeClass?.ToDisplayString() != EndpointRules.RequiresKeyAttribute)
                return attribute.AttributeClass?.Name;
            if (attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not int value || value < 0 || value > 3)
                return null;
            if (value == 3)
                return "admin";
            var scope = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Scope").Value.Value as string;
            return KeyTypeNames[value] + ":" + scope;
        }

        private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<Endpoint> endpoints)
        {
            var ordered = endpoints
                .OrderBy(e => e.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(e => e.Location.SourceSpan.Start)
                .ToList();
            foreach (var group in ordered.GroupBy(e => e.RouteKey, StringComparer.Ordinal))
            {
                var seen = new List<Endpoint>();
                foreach (var endpoint in group)
                {
                    var first = seen.FirstOrDefault(s => Overlap(s.Methods, endpoint.Methods) && s.Requirement != endpoint.Requirement);
                    if (first is not null)
                    {
                        var position = first.Location.GetLineSpan();
                        var where = System.IO.Path.GetFileName(position.Path) + "(" + (position.StartLinePosition.Line + 1) + ")";
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ConflictingDuplicateRoute, endpoint.Location,
                            new[] { first.Location }, endpoint.Display, where, endpoint.Requirement, first.Requirement));
                    }
                    seen.Add(endpoint);
                }
            }
        }

        private static bool Overlap(string[] a, string[] b)
            => a.Contains("*") || b.Contains("*") || a.Intersect(b, StringComparer.Ordinal).Any();
    }
}
