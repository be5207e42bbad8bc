using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for an endpoint mapped inside a helper whose callers decide its declaration: a wrapper returning the
    /// endpoint builder (<c>b.MapPost(p, h).WithName(...)</c>, declared by <c>.RequireKey(...)</c> on what it
    /// returns), one mapping on the builder it is given (<c>g.MapGet(...)</c> in <c>MapAudit(this RouteGroupBuilder g)</c>),
    /// or one taking the handler (whose attributes declare it). Each call site is judged on its own: silent when
    /// every one declares, one diagnostic at each call site that does not, with the caller's route.
    /// A helper with no call site in the compilation (a library's public API) keeps the in-method verdict.
    /// </summary>
    internal sealed partial class MinimalApiEndpoints
    {
        // While set, the call sites of Method are just Call: the existing reach (returned builders, parameters) is
        // asked about one call site at a time. Results computed then are not cached: they hold for that site only.
        [ThreadStatic] private static (IMethodSymbol Method, IInvocationOperation Call, SemanticModel Model)? t_pinned;

        /// <summary>True when the endpoint's verdict belongs to its helper's call sites (and was reported there).</summary>
        private bool ReportAtCallSites(OperationAnalysisContext context, IInvocationOperation invocation, IOperation? receiver,
            IArgumentOperation? handlerArgument, Handler handler, SemanticModel model, bool library, string? impliedHttpMethod)
        {
            var ct = context.CancellationToken;
            if (t_pinned is not null || model.GetEnclosingSymbol(invocation.Syntax.SpanStart, ct) is not IMethodSymbol enclosing
                || enclosing.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
                return false;
            var helper = enclosing.OriginalDefinition;
            var builderParameter = receiver is null ? null : RootParameter(receiver, helper, model, 0, ct);
            var handlerParameter = handlerArgument is null ? null : Unwrap(handlerArgument.Value) is IParameterReferenceOperation p
                && SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol.OriginalDefinition, helper) ? p.Parameter : null;
            if (builderParameter is null && handlerParameter is null && !FlowsToReturn(invocation))
                return false;
            var sites = CallSites(helper, model, ct);
            if (sites is null || sites.Count == 0)
                return false;

            // A caller can declare the endpoint when it gets a builder back, passes the handler, or passes a group;
            // one that passes the app itself can only be fixed inside the helper, so that verdict stays there.
            var returnsBuilder = !helper.ReturnsVoid && _types.ConventionBuilder is { } convention
                && (SymbolEqualityComparer.Default.Equals(helper.ReturnType, convention) || helper.ReturnType.AllInterfaces.Contains(convention, SymbolEqualityComparer.Default));
            var reportInside = false;
            foreach (var (call, siteModel) in sites)
            {
                // The fix puts the attribute on the handler: on one inside the helper only when the helper has
                // this one caller, since it would change what every other call site's endpoint requires.
                // The host reports a diagnostic in another file as non-local and offers no fix for it: none then.
                var siteHandler = sites.Count == 1 && call.Syntax.SyntaxTree == invocation.Syntax.SyntaxTree ? handler : default;
                if (handlerParameter is not null && ArgumentFor(call, handlerParameter) is { } passed)
                {
                    var passedHandler = ResolveHandler(passed.Value, siteModel, 0, ct);
                    if (passedHandler.Method is not null && EndpointRules.DeclarationOf(passedHandler.Method) != DeclarationKind.None)
                        continue;
                    if (call.Syntax.SyntaxTree == invocation.Syntax.SyntaxTree)
                        siteHandler = passedHandler;
                }
                if (DeclaredAt(helper, call, siteModel, invocation, receiver, model, ct))
                    continue;

                var passedBuilder = builderParameter is null ? null : ArgumentFor(call, builderParameter);
                if (!returnsBuilder && handlerParameter is null && !IsGroup(passedBuilder is null ? null : Unwrap(passedBuilder.Value).Type))
                {
                    reportInside = true;
                    continue;
                }

                var httpMethods = impliedHttpMethod ?? HttpMethodsArgument(invocation) ?? EndpointText.AnyMethod;
                var pattern = StringArgument(invocation, "pattern") ?? StringParameterAt(invocation, call, helper) ?? "{?}";
                var inner = receiver is null ? string.Empty : RoutePrefix(receiver, model, 0, ct);
                var outer = passedBuilder is null ? string.Empty : RoutePrefix(passedBuilder.Value, siteModel, 0, ct);
                var route = EndpointText.CombineRoutes(EndpointText.CombineRoutes(outer, inner), pattern);
                Report(context, NameLocation(call.Syntax), siteHandler, httpMethods, route,
                    library ? invocation.TargetMethod.Name : null, pattern != "{?}");
            }
            return !reportInside;
        }

        /// <summary>A route group (it can carry a declaration), as opposed to the app or another route builder.</summary>
        private static bool IsGroup(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.Name == "RouteGroupBuilder" && current.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Routing")
                    return true;
            }
            return false;
        }

        /// <summary>The existing reach, with the helper's call sites narrowed to <paramref name="call"/>.</summary>
        private bool DeclaredAt(IMethodSymbol helper, IInvocationOperation call, SemanticModel siteModel,
            IInvocationOperation invocation, IOperation? receiver, SemanticModel model, CancellationToken ct)
        {
            t_pinned = (helper, call, siteModel);
            try
            {
                return IsDeclaredDownstream(invocation, model, 0, ct)
                    || (receiver is not null && IsDeclaredUpstream(receiver, model, 0, ct));
            }
            finally
            {
                t_pinned = null;
            }
        }

        /// <summary>The parameter of <paramref name="helper"/> a builder is made from (through groups, pass-throughs and locals).</summary>
        private static IParameterSymbol? RootParameter(IOperation builder, IMethodSymbol helper, SemanticModel model, int depth, CancellationToken ct)
        {
            if (depth > MaxDepth)
                return null;
            switch (Unwrap(builder))
            {
                case IParameterReferenceOperation parameter:
                    return SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, helper) ? parameter.Parameter : null;
                case IInvocationOperation invocation when IsMapGroup(invocation.TargetMethod) || IsPassThrough(invocation.TargetMethod):
                    return Receiver(invocation) is { } receiver ? RootParameter(receiver, helper, model, depth + 1, ct) : null;
                case ILocalReferenceOperation local:
                    return InitializerOf(local.Local, model, ct) is { } initializer ? RootParameter(initializer, helper, model, depth + 1, ct) : null;
                default:
                    return null;
            }
        }

        /// <summary>The endpoint builder, through pass-through calls, is what its method returns.</summary>
        private static bool FlowsToReturn(IOperation operation)
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
                    case IReturnOperation returned when ReferenceEquals(returned.ReturnedValue, current):
                        return true;
                    case IArgumentOperation argument when argument.Parent is IInvocationOperation next && IsReceiverArgument(next, argument) && IsPassThrough(next.TargetMethod):
                        current = next;
                        break;
                    case IInvocationOperation next when ReferenceEquals(next.Instance, current) && IsPassThrough(next.TargetMethod):
                        current = next;
                        break;
                    default:
                        return false;
                }
            }
            return false;
        }

        private static IArgumentOperation? ArgumentFor(IInvocationOperation call, IParameterSymbol parameter)
            => call.Arguments.FirstOrDefault(a => a.Parameter is not null
                && SymbolEqualityComparer.Default.Equals(a.Parameter.OriginalDefinition, parameter.OriginalDefinition));

        /// <summary>The caller's constant for the route pattern when the helper passes its own parameter on.</summary>
        private static string? StringParameterAt(IInvocationOperation invocation, IInvocationOperation call, IMethodSymbol helper)
        {
            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "pattern");
            if (argument is null || Unwrap(argument.Value) is not IParameterReferenceOperation parameter
                || !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, helper))
                return null;
            return ArgumentFor(call, parameter.Parameter)?.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
        }
    }
}
