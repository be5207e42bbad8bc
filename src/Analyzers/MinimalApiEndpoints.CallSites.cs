using System;
using System.Linq;
using Declarative.Auth.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for an endpoint mapped inside a helper whose callers decide its declaration: one mapping on the builder
    /// it is given (<c>g.MapGet(...)</c> in <c>MapAudit(this RouteGroupBuilder g)</c>, the call's facts in
    /// <see cref="CallSiteModel"/>), one taking the handler (whose attributes declare it), or one returning the endpoint
    /// or its group to the caller (declared by <c>.RequireKey(...)</c> on what it returns). Each call site is judged on
    /// its own: silent when every one declares, one diagnostic at each call site that does not, with the caller's route.
    /// A helper with no call site in the compilation (a library's public API) keeps the in-method verdict, and so does
    /// one whose caller passes the app itself (only the helper can declare that endpoint).
    /// </summary>
    internal sealed partial class MinimalApiEndpoints
    {
        /// <summary>
        /// A call of a source helper: the undeclared endpoints it maps whose verdict is its callers', judged and reported
        /// here, while this call's own code is analyzed (so the host offers the fix at this call, in this file).
        /// </summary>
        private void AnalyzeCallSite(OperationAnalysisContext context, IInvocationOperation call, IMethodSymbol helper)
        {
            var ct = context.CancellationToken;
            foreach (var reference in helper.DeclaringSyntaxReferences)
            {
                var body = reference.GetSyntax(ct);
                if (!_compilation.ContainsSyntaxTree(body.SyntaxTree))
                    continue;
                var model = Callers.ModelFor(body.SyntaxTree, call.SemanticModel!);
                foreach (var syntax in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (NameToken(syntax.Expression) is not { } name || !name.ValueText.StartsWith("Map", StringComparison.Ordinal)
                        || model.GetOperation(syntax, ct) is not IInvocationOperation invocation
                        || !SymbolEqualityComparer.Default.Equals(Callers.Enclosing(syntax, model, ct), helper)
                        || FactsOf(invocation, model, ct) is not { } facts || Declarations.Declares(facts.Levels) || FallbackTargetDeclared(invocation))
                        continue;
                    JudgeAtCallSites(context, invocation, facts, Analysis.Handler.Of(invocation, model, ct), at: call);
                }
            }
        }

        /// <summary>
        /// True when the endpoint's verdict belongs to its helper's call sites; with <paramref name="at"/>, reports the
        /// verdict at that one call site.
        /// </summary>
        private bool JudgeAtCallSites(OperationAnalysisContext context, IInvocationOperation invocation, EndpointModel facts, Handler handler, IInvocationOperation? at)
        {
            var ct = context.CancellationToken;
            var model = invocation.SemanticModel!;
            if (Callers.Enclosing(invocation.Syntax, model, ct) is not { } helper)
                return false;
            var builderKey = Enumerable.Range(0, helper.Parameters.Length).Select(i => MinimalApiFacts.ParameterKey(helper, i))
                .FirstOrDefault(k => k == facts.ReceiverParameter);
            var handlerParameter = ParameterOf(HandlerArgument(invocation), helper);
            // The endpoint's builder, or the group it is mapped on, is what the helper returns (decided by MinimalApiFacts,
            // as for the table's rows): what a caller chains on the result declares it.
            var returned = !helper.ReturnsVoid && (FlowsToReturn(invocation) || facts.ReturnedGroupLevel is not null
                || (builderKey is not null && MinimalApiFacts.ReturnsParameter(helper, Callers.Ordinal(builderKey), model, ct)));
            if (builderKey is null && handlerParameter is null && !returned)
                return false;
            var sites = Callers.Of(helper, model, ct);
            if (sites is null || sites.Count == 0)
                return false;

            var reportInside = false;
            foreach (var (call, siteModel) in sites)
            {
                if (at is not null && call.Syntax != at.Syntax)
                    continue;
                // The fix puts the attribute on the handler: on one inside the helper only when the helper has this one
                // caller in the same file (the host offers no fix for a diagnostic reported in another file).
                var siteHandler = sites.Count == 1 && call.Syntax.SyntaxTree == invocation.Syntax.SyntaxTree ? handler : default;
                if (handlerParameter is not null && ArgumentFor(call, handlerParameter) is { } passed)
                {
                    var passedHandler = Analysis.Handler.Resolve(passed.Value, siteModel, ct);
                    if (passedHandler.Method is { } passedMethod && Declarations.OfMethod(passedMethod).Items.Any(i => Declarations.Declares(i.Kind)))
                        continue;
                    if (call.Syntax.SyntaxTree == invocation.Syntax.SyntaxTree)
                        siteHandler = passedHandler;
                }
                var syntax = (InvocationExpressionSyntax)call.Syntax;
                if (returned && MinimalApiFacts.FluentAfter(syntax, call.Type, siteModel, ct).Declares)
                    continue;
                var builder = builderKey is null ? null : helper.Parameters[Callers.Ordinal(builderKey)];
                var site = builder is null ? null : MinimalApiFacts.CallSite(call, builder, siteModel, ct);
                // Declared when every path of callers reaching this call declares (its own groups, or its callers' when it passes a parameter on).
                if (site is not null && Callers.FromSite(call, siteModel, builder!, ct).All(r => Declarations.Declares(r.Levels)))
                    continue;
                var passedBuilder = builder is null ? null : ArgumentFor(call, builder);
                if (!returned && handlerParameter is null && !IsGroup(passedBuilder is null ? null : Unwrap(passedBuilder.Value).Type))
                {
                    reportInside = true;
                    continue;
                }
                if (at is null)
                    continue;
                var pattern = facts.Pattern ?? (StringParameterAt(invocation, call, helper) is { } given ? Routes.Rooted(given) : "/{?}");
                var route = site is { Known: true } || site is { PrefixConstant: true, ParentParameter: null } ? Routes.Rooted(Routes.CombineGroup(site.Prefix, pattern)) : pattern;
                // The fix declares at this call: on what it returns when that is the endpoint's builder or group, else on the group it is given.
                var chain = returned ? EndpointText.ChainOnResult
                    : passedBuilder is not null && IsReceiverArgument(call, passedBuilder) && IsGroup(Unwrap(passedBuilder.Value).Type) ? EndpointText.ChainOnReceiver
                    : null;
                Report(context, NameLocation(call.Syntax), siteHandler, Methods(invocation, facts), route, chain: chain);
            }
            return !reportInside;
        }

        /// <summary>The endpoint builder, through pass-through calls, is what its method returns.</summary>
        private static bool FlowsToReturn(IOperation operation)
        {
            var last = operation;
            foreach (var call in Downstream(operation))
            {
                if (!IsPassThrough(call.TargetMethod))
                    return false;
                last = call;
            }
            last = Outermost(last);
            return last.Parent is IReturnOperation returned && ReferenceEquals(returned.ReturnedValue, last);
        }

        /// <summary>The caller's constant for the route pattern when the helper passes its own parameter on.</summary>
        private static string? StringParameterAt(IInvocationOperation invocation, IInvocationOperation call, IMethodSymbol helper)
            => ParameterOf(Argument(invocation, "pattern")?.Value, helper) is { } parameter
               && ArgumentFor(call, parameter)?.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
    }
}
