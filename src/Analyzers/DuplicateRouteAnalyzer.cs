using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
                start.RegisterOperationAction(c => Collect(c, endpoints), OperationKind.Invocation);
                if (types.HasMvc)
                    start.RegisterSymbolAction(c => CollectActions(c, endpoints), SymbolKind.NamedType);
                start.RegisterCompilationEndAction(c => ReportDuplicates(c, endpoints));
            });
        }

        private sealed record Endpoint(string Display, string RouteKey, string[] Methods, string Requirement, Location Location);

        private static void Collect(OperationAnalysisContext context, ConcurrentBag<Endpoint> endpoints)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!EndpointRules.IsMapEndpointMethod(method) || method.Name == "MapFallback"
                || invocation.Syntax is not InvocationExpressionSyntax syntax || invocation.SemanticModel is not { } model
                || EndpointIndex.For(model.Compilation).Facts(invocation, model, context.CancellationToken) is not { RouteKind: RouteKind.Constant, Route: { } route } facts)
                return;
            var methods = facts.HttpMethods.Count > 0 ? facts.HttpMethods.ToArray() : method.Name == "Map" ? new[] { "*" } : null;
            if (methods is not null && Requirement(facts.Levels, DeclarationLevel.Handler, DeclarationLevel.Endpoint) is { } requirement)
                endpoints.Add(new Endpoint((methods[0] == "*" ? "ANY" : string.Join(",", methods)) + " " + route, RouteKey(route), methods, requirement, Operations.NameLocation(syntax)));
        }

        /// <summary>Attribute-routed actions declared in a controller, with their own (else the class's own) requirement.</summary>
        private static void CollectActions(SymbolAnalysisContext context, ConcurrentBag<Endpoint> endpoints)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!EndpointRules.IsController(type))
                return;
            foreach (var (method, endpoint) in EndpointIndex.For(context.Compilation).Controller(type, context.CancellationToken))
            {
                var location = method.Locations.FirstOrDefault(l => l.IsInSource);
                if (location is not null && endpoint.HttpMethods.Count > 0 && endpoint.Route is { } route
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType, type)
                    && Requirement(endpoint.Levels, DeclarationLevel.Action, DeclarationLevel.Controller) is { } requirement)
                    endpoints.Add(new Endpoint(string.Join(",", endpoint.HttpMethods) + " " + route + " (" + endpoint.Handler + ")", RouteKey(route),
                        endpoint.HttpMethods.ToArray(), requirement, location));
            }
        }

        /// <summary>
        /// The requirement of the nearest of <paramref name="order"/>'s levels that declares: its key permissions (joined),
        /// else "anonymous"; null when no level declares, a permission is not constant, or it is a policy (not compared).
        /// </summary>
        private static string? Requirement(EquatableArray<LevelModel> levels, params DeclarationLevel[] order)
        {
            foreach (var where in order)
            {
                var items = levels.Where(l => l.Where == where).SelectMany(l => l.Items)
                    .Where(i => Declarations.Declares(i.Kind)).ToList();
                if (items.Count == 0)
                    continue;
                var keys = items.Where(i => i.Kind == DeclarationItemKind.Key).Select(i => i.Value).ToList();
                if (keys.Any(k => k is null))
                    return null;
                if (keys.Count > 0)
                    return string.Join(" + ", keys.Distinct().OrderBy(k => k, StringComparer.Ordinal));
                return items.Any(i => i.Kind == DeclarationItemKind.AllowAnonymous) ? "anonymous" : null;
            }
            return null;
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
