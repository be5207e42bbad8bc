using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Checks what each key declaration says, wherever it is written — <c>[RequiresKey(...)]</c>,
    /// <c>RequireKey(type, scope)</c>, <c>new RequiresKeyAttribute(...) { Scope = ... }</c>:
    /// DAUTH002 (scope not in the catalog), DAUTH004 (Admin with a scope), DAUTH005 (malformed scope),
    /// DAUTH009 (Read/Write/Delete without a scope); and what endpoints say about themselves:
    /// DAUTH006 (key type against HTTP method), DAUTH008 (route not constant).
    /// Only constants are judged: a scope or key type computed at run time is left alone.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
    {
        private const int AdminValue = 3;

        /// <summary>DAUTH006 property: the KeyType member the HTTP method suggests.</summary>
        public const string ExpectedKeyTypeProperty = "ExpectedKeyType";
        private static readonly string[] KeyTypeNames = { "Read", "Write", "Delete", "Admin" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UnknownScope,
            DiagnosticDescriptors.AdminWithScope,
            DiagnosticDescriptors.MalformedScope,
            DiagnosticDescriptors.KeyTypeDoesNotFitMethod,
            DiagnosticDescriptors.RouteNotConstant,
            DiagnosticDescriptors.MissingScope);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var types = new KnownTypes(start.Compilation);
                var catalog = PermissionScopes.Of(start.Compilation).Select(s => s.Scope).Distinct().ToImmutableArray();
                var names = AttributeNameFilter.For(start.Compilation,
                    new[] { EndpointRules.RequiresKeyAttribute, PermissionScopes.AttributeName }, start.CancellationToken);
                var state = new State(types, catalog, names);
                if (types.RequiresKeyAttribute is not null)
                {
                    start.RegisterSyntaxNodeAction(state.AnalyzeAttribute, SyntaxKind.Attribute);
                    start.RegisterOperationAction(state.AnalyzeObjectCreation, OperationKind.ObjectCreation);
                    if (types.HasMvc)
                        start.RegisterSymbolAction(state.AnalyzeAction, SymbolKind.Method);
                }
                if (types.HasRouting)
                    start.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
            });
        }

        /// <summary>One key declaration, reduced to constants and where to report; <see cref="ScopeSyntax"/> is null when no scope is given.</summary>
        private readonly record struct KeyDeclaration(int? KeyType, Optional<object?> Scope, SyntaxNode? ScopeSyntax, Location Whole, bool Fluent);

        private sealed class State(KnownTypes types, ImmutableArray<string> catalog, AttributeNameFilter names)
        {
            // ---- [RequiresKey(...)] and [assembly: PermissionScope(...)] ----

            public void AnalyzeAttribute(SyntaxNodeAnalysisContext context)
            {
                var syntax = (AttributeSyntax)context.Node;
                if (!names.MayBe(syntax))
                    return;
                var model = context.SemanticModel;
                var ct = context.CancellationToken;
                var bound = AttributeNameFilter.Bound(syntax, AttributeNameFilter.Owner(syntax, model, ct));
                var type = bound?.AttributeClass ?? (model.GetSymbolInfo(syntax, ct).Symbol as IMethodSymbol)?.ContainingType;
                if (type is null)
                    return;
                // Constants from the bound attribute when there is one; else from the syntax.
                Optional<object?> Constant(ExpressionSyntax expression, TypedConstant? value)
                    => bound is null ? model.GetConstantValue(expression, ct) : value is { Kind: not TypedConstantKind.Error } v ? new Optional<object?>(v.Value) : default;
                // The first positional argument (the key type, or the catalog's scope) and its constant.
                var first = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null);
                var firstConstant = first is null ? default : Constant(first.Expression, bound is { ConstructorArguments.Length: > 0 } ? bound.ConstructorArguments[0] : null);
                if (SymbolEqualityComparer.Default.Equals(type, types.RequiresKeyAttribute))
                {
                    var scope = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Scope")?.Expression;
                    var keyType = firstConstant is { HasValue: true, Value: int value } ? value : (int?)null;
                    var named = bound?.NamedArguments.FirstOrDefault(n => n.Key == "Scope");
                    var constant = scope is null ? default : Constant(scope, named is { Key: not null } n ? n.Value : null);
                    Check(context.ReportDiagnostic, new KeyDeclaration(keyType, constant, scope, syntax.GetLocation(), Fluent: false));
                }
                else if (type.ToDisplayString() == PermissionScopes.AttributeName && firstConstant is { HasValue: true, Value: var value }
                         && !Rules.PermissionText.IsValidScope(value as string))
                    ReportMalformed(context.ReportDiagnostic, first!.Expression, value as string ?? string.Empty);
            }

            // ---- new RequiresKeyAttribute(KeyType.X) { Scope = "..." } ----

            public void AnalyzeObjectCreation(OperationAnalysisContext context)
            {
                var creation = (IObjectCreationOperation)context.Operation;
                // Attributes on symbols are object creations too (IAttributeOperation); AnalyzeAttribute has them.
                if (!SymbolEqualityComparer.Default.Equals(creation.Type, types.RequiresKeyAttribute) || creation.Syntax is AttributeSyntax)
                    return;
                var keyType = creation.Arguments.Length > 0 && creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int value } ? value : (int?)null;
                var scope = Declarations.ScopeAssigned(creation);
                var constant = scope is null ? default : Operations.Unwrap(scope).ConstantValue;
                Check(context.ReportDiagnostic, new KeyDeclaration(keyType, constant, scope?.Syntax, creation.Syntax.GetLocation(), Fluent: false));
            }

            // ---- RequireKey(type, scope); Map* endpoints: DAUTH006 and DAUTH008 ----

            public void AnalyzeInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                var method = invocation.TargetMethod;
                var original = method.ReducedFrom ?? method;

                if (IsRequireKey(original))
                {
                    var scope = Operations.Argument(invocation, "scope") is { ArgumentKind: not ArgumentKind.DefaultValue } given ? given.Value : null;
                    var constant = scope is null ? default : Operations.Unwrap(scope).ConstantValue;
                    Check(context.ReportDiagnostic, new KeyDeclaration(KeyTypeOf(invocation)?.Value, constant, scope?.Syntax,
                        Operations.NameLocation(invocation.Syntax), Fluent: true));
                    return;
                }

                var isGroup = Operations.IsMapGroup(method);
                if (!isGroup && !(EndpointRules.MapMethods.ContainsKey(method.Name) && EndpointRules.IsMapEndpointMethod(method)))
                    return;

                // DAUTH008: a route the generator cannot read.
                var patternName = isGroup ? "prefix" : "pattern";
                var pattern = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == patternName);
                if (pattern is not null && pattern.ArgumentKind == ArgumentKind.Explicit
                    && !Operations.Unwrap(pattern.Value).ConstantValue.HasValue)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.RouteNotConstant, pattern.Value.Syntax.GetLocation(),
                        method.Name + "(" + pattern.Value.Syntax + ", ...)"));
                }
                if (isGroup)
                    return;

                // DAUTH006: the handler's own key declarations, else those on the endpoint's own chain.
                var model = invocation.SemanticModel;
                if (model is null)
                    return;
                EndpointRules.MapMethods.TryGetValue(method.Name, out var implied);
                var httpMethods = implied ?? (Operations.HttpMethodsArgument(invocation) is { } listed ? string.Join(",", listed) : null);
                var expected = ExpectedKeyType(httpMethods);
                if (expected is null)
                    return;
                var handler = Handler.Of(invocation, model, context.CancellationToken);
                var found = handler.Method is null ? new List<(int KeyType, Location Location)>() : AttributeKeyTypes(handler.Method, context.CancellationToken).ToList();
                if (found.Count == 0)
                {
                    found = Operations.Downstream(invocation).Where(c => IsRequireKey(c.TargetMethod.ReducedFrom ?? c.TargetMethod))
                        .Select(KeyTypeOf).OfType<(int, Location)>().ToList();
                }
                // The route is read only for a mismatch's message.
                if (!found.Any(f => Mismatch(expected.Value, f.KeyType)))
                    return;
                var facts = EndpointIndex.For(model.Compilation).Facts(invocation, model, context.CancellationToken);
                var route = facts?.Route ?? facts?.Pattern ?? "/{?}";
                ReportMismatches(context.ReportDiagnostic, httpMethods! + " " + route, httpMethods!, expected.Value, found);
            }

            // ---- controller actions: DAUTH006 ----

            public void AnalyzeAction(SymbolAnalysisContext context)
            {
                var method = (IMethodSymbol)context.Symbol;
                var type = method.ContainingType;
                if (type is null || method.MethodKind != MethodKind.Ordinary || !EndpointRules.IsAction(method))
                    return;
                if (!EndpointRules.IsController(type) && !(type.IsAbstract && Operations.DerivesFrom(type.BaseType, "Microsoft.AspNetCore.Mvc.ControllerBase")))
                    return;
                var verbs = ControllerFacts.HttpMethods(method);
                var expected = ExpectedKeyType(verbs);
                if (expected is null)
                    return;
                var found = AttributeKeyTypes(method, context.CancellationToken).ToList();
                var display = verbs + " " + type.Name + "." + method.Name;
                ReportMismatches(context.ReportDiagnostic, display, verbs!, expected.Value, found);
            }

            private static bool IsRequireKey(IMethodSymbol original)
                => original.Name == EndpointRules.RequireKeyMethod && original.IsExtensionMethod && original.ContainingNamespace?.ToDisplayString() == "Declarative.Auth";

            /// <summary>The constant key type a <c>RequireKey(type, ...)</c> call passes, and where; null when not constant.</summary>
            private static (int Value, Location Location)? KeyTypeOf(IInvocationOperation call)
                => Operations.Argument(call, "type") is { } type && Operations.Unwrap(type.Value).ConstantValue is { HasValue: true, Value: int value }
                    ? (value, type.Value.Syntax.GetLocation())
                    : null;

            /// <summary>Read for GET/HEAD-only endpoints, Delete for DELETE-only ones, otherwise no expectation.</summary>
            private static int? ExpectedKeyType(string? httpMethods)
            {
                var methods = httpMethods?.Split(',').Select(m => m.Trim().ToUpperInvariant()).Where(m => m.Length > 0).ToArray();
                if (methods is not { Length: > 0 })
                    return null;
                return methods.All(m => m is "GET" or "HEAD") ? 0 : methods.All(m => m == "DELETE") ? 2 : null;
            }

            private static IEnumerable<(int KeyType, Location Location)> AttributeKeyTypes(IMethodSymbol method, System.Threading.CancellationToken ct)
            {
                foreach (var attribute in method.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() != EndpointRules.RequiresKeyAttribute
                        || attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not int value)
                        continue;
                    var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;
                    var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null);
                    var location = argument?.GetLocation() ?? syntax?.GetLocation();
                    if (location is not null)
                        yield return (value, location);
                }
            }

            /// <summary>Write or Delete where GET/HEAD expects Read; Read where DELETE expects Delete (Admin fits anything).</summary>
            private static bool Mismatch(int expected, int keyType) => expected == 0 ? keyType is 1 or 2 : keyType == 0;

            private static void ReportMismatches(Action<Diagnostic> report, string display, string httpMethods, int expected, List<(int KeyType, Location Location)> found)
            {
                foreach (var (keyType, location) in found)
                {
                    if (!Mismatch(expected, keyType))
                        continue;
                    var what = expected == 0 ? httpMethods.Replace(",", "/") + " (it reads)" : "DELETE";
                    var properties = ImmutableDictionary<string, string?>.Empty.Add(ExpectedKeyTypeProperty, KeyTypeNames[expected]);
                    report(Diagnostic.Create(DiagnosticDescriptors.KeyTypeDoesNotFitMethod, location, properties,
                        display, what, KeyTypeNames[keyType], KeyTypeNames[expected]));
                }
            }

            // ---- scope rules ----

            private void Check(Action<Diagnostic> report, KeyDeclaration declaration)
            {
                if (declaration.KeyType is not int keyType || keyType < 0 || keyType > AdminValue)
                    return;
                var scope = declaration.Scope;
                if (keyType == AdminValue)
                {
                    if (scope is { HasValue: true, Value: string text } && text.Length > 0)
                        report(Diagnostic.Create(DiagnosticDescriptors.AdminWithScope, declaration.ScopeSyntax!.GetLocation(), text));
                    return;
                }
                if (declaration.ScopeSyntax is null || (scope.HasValue && scope.Value is null))
                {
                    var example = catalog.Length > 0 ? catalog[0] : "resource";
                    var write = declaration.Fluent
                        ? $"RequireKey(KeyType.{KeyTypeNames[keyType]}, \"{example}\")"
                        : $"[RequiresKey(KeyType.{KeyTypeNames[keyType]}, Scope = \"{example}\")]";
                    report(Diagnostic.Create(DiagnosticDescriptors.MissingScope, declaration.Whole, KeyTypeNames[keyType], write));
                    return;
                }
                if (!scope.HasValue || scope.Value is not string value)
                    return;
                if (!Rules.PermissionText.IsValidScope(value))
                {
                    ReportMalformed(report, declaration.ScopeSyntax!, value);
                    return;
                }
                if (catalog.Length == 0 || catalog.Contains(value))
                    return;
                var suggestion = ScopeText.Closest(value, catalog);
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (suggestion is not null)
                    properties = properties.Add(ScopeText.SuggestionProperty, suggestion);
                var advice = suggestion is not null
                    ? $"did you mean '{suggestion}'?"
                    : $"use one of them, or declare it with [assembly: PermissionScope(\"{value}\", \"...\")]";
                report(Diagnostic.Create(DiagnosticDescriptors.UnknownScope, declaration.ScopeSyntax!.GetLocation(), properties,
                    value, ScopeText.List(catalog), advice));
            }

            private static void ReportMalformed(Action<Diagnostic> report, SyntaxNode syntax, string value)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(ScopeText.SuggestionProperty, ScopeText.Repair(value));
                report(Diagnostic.Create(DiagnosticDescriptors.MalformedScope, syntax.GetLocation(), properties, value, ScopeText.Repair(value)));
            }
        }
    }
}
