using System;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for minimal APIs, a view of the generator's table (<see cref="MinimalApiFacts.Rows"/>): an endpoint is
    /// declared when one of its row's levels (groups, handler, hub, its own chain, its callers') declares. A row decided
    /// at a call of the helper mapping it is reported at that call (MinimalApiEndpoints.CallSites.cs).
    /// </summary>
    internal sealed partial class MinimalApiEndpoints
    {
        private readonly Compilation _compilation;

        public MinimalApiEndpoints(Compilation compilation)
        {
            _compilation = compilation;
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.Syntax is not InvocationExpressionSyntax syntax || invocation.SemanticModel is not { } model)
                return;
            var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
            var map = EndpointRules.IsMapEndpointMethod(method);
            var other = !map && EndpointRules.IsOtherEndpointMethod(method);
            var library = !map && !other && EndpointRules.IsLibraryProducer(method);
            if (!map && !library && !other && method.DeclaringSyntaxReferences.IsEmpty)
                return;
            var ct = context.CancellationToken;
            if (!map && !method.DeclaringSyntaxReferences.IsEmpty)
                AnalyzeCallSite(context, invocation, method.OriginalDefinition);
            if (!map && !library && !other && !method.Name.StartsWith("Map", StringComparison.Ordinal))
                return;
            if (FactsOf(invocation, model, ct) is not { } facts || Declarations.Declares(facts.Levels) || FallbackTargetDeclared(invocation))
                return;
            // Judged here unless every undeclared row is decided at a call of its helper that can declare it (reported there).
            if (!RowsOf(invocation, facts, ct).Any(r => !Declarations.Declares(r.Row.Levels) && (r.Site is null || !AtSite(invocation, facts, r.Site, ct, out _, out _))))
                return;
            // Not a Map* of ASP.NET Core (a wrapper's call, MapHub, a library's producer): what it returns can be declared.
            var chain = !map && invocation.Type is { } returned && EndpointRules.Implements(returned, "Microsoft.AspNetCore.Builder.IEndpointConventionBuilder") ? EndpointText.ChainOnResult : null;
            Report(context, NameLocation(syntax), Analysis.Handler.Of(invocation, model, ct), Methods(invocation, facts), facts.Route ?? facts.Pattern ?? "/{?}",
                library ? method.Name : null, library && StringArgument(invocation, "pattern") is null, chain);
        }

        /// <summary>The facts of an endpoint-producing call as written (in a wrapper too), read once; null when it is no endpoint.</summary>
        private EndpointModel? FactsOf(IInvocationOperation invocation, SemanticModel model, CancellationToken ct)
            => _facts.GetOrAdd(invocation.Syntax, _ => EndpointIndex.For(_compilation).Facts(invocation, model, ct)
                ?? MinimalApiFacts.Read((InvocationExpressionSyntax)invocation.Syntax, invocation, model, ct, callSitesAreRows: false));

        private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, EndpointModel?> _facts =
            new System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, EndpointModel?>();

        private static string Methods(IInvocationOperation invocation, EndpointModel? facts)
            => facts is { HttpMethods.Count: > 0 } ? string.Join(",", facts.HttpMethods)
                : EndpointRules.MapMethods.TryGetValue((invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).Name, out var implied) && implied is not null ? implied
                : EndpointText.AnyMethod;

        /// <summary>
        /// One DAUTH001 at <paramref name="location"/>, with the fix's key type, scope and target. <paramref name="library"/>:
        /// a library producer's name (named alone, "MapIdentityApi()", when <paramref name="nameOnly"/>).
        /// </summary>
        private static void Report(OperationAnalysisContext context, Location location, Handler handler, string httpMethods, string route,
            string? library = null, bool nameOnly = false, string? chain = null)
        {
            var endpoint = library is null ? httpMethods + " " + route
                : nameOnly ? library + "()"
                : httpMethods + " " + route + " (" + library + ")";
            context.ReportDiagnostic(EndpointText.Undeclared(location, handler.FixTarget(context.CancellationToken), endpoint, httpMethods,
                EndpointText.GuessScope(route), library, chain));
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
                    if (current.GetMembers().OfType<IMethodSymbol>().Any(m => string.Equals(m.Name, action, StringComparison.OrdinalIgnoreCase)
                            && EndpointRules.DeclarationOf(m) != DeclarationKind.None))
                        return true;
                }
            }
            return false;
        }
    }
}
