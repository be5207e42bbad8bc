using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Enforces each endpoint's declaration: what the declaration alone decides (<see cref="EndpointGate"/>) →
/// authenticate → rate limit → the endpoint's policy → workspace → next, or a refusal. Each step lives in its own
/// type; this is only the order. The common case — a declared endpoint and a valid cached key — runs synchronously
/// and allocates nothing.
/// </summary>
internal sealed class DeclarativeAuthMiddleware(
    RequestDelegate next,
    EndpointGate gate,
    KeyAuthentication authentication,
    KeyRateLimits limits,
    WorkspaceResolver workspaces,
    KeySignIn signIn,
    AppAuthorization app,
    Refusals refusals)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint)
            return next(context); // nothing matched: no endpoint code runs, the request ends in 404
        if (gate.Answer(context, endpoint, next, out var policy) is { } answered)
            return answered;
        var outcome = authentication.AuthenticateAsync(context);
        return outcome.IsCompletedSuccessfully ? Decide(context, policy, outcome.Result) : DecideLater(context, policy, outcome);
    }

    private async Task DecideLater(HttpContext context, EndpointPolicy policy, ValueTask<KeyOutcome> outcome)
        => await Decide(context, policy, await outcome.ConfigureAwait(false)).ConfigureAwait(false);

    private Task Decide(HttpContext context, EndpointPolicy policy, KeyOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case KeyOutcomeKind.Refused:
                return refusals.Write(context, outcome.Error!, outcome.Limit);
            case KeyOutcomeKind.NoKey or KeyOutcomeKind.OtherCredential when policy.Access == EndpointAccess.Authorize:
                return next(context); // not a key: the app's authorization decides, as without us
            case KeyOutcomeKind.NoKey or KeyOutcomeKind.OtherCredential when policy.OrAuthorization:
                return app.AuthorizeAsync(context, policy, next);
            case KeyOutcomeKind.NoKey:
                return refusals.Write(context, AuthError.MissingKey);
            case KeyOutcomeKind.OtherCredential:
                return refusals.Write(context, authentication.NotOurKey);
        }

        var key = outcome.Key!;
        if (!limits.TryAcquire(context, policy, key.Key, out var window))
            return refusals.Write(context, limits.Refusal(policy, window), window, key.Key);
        if (policy.Refuses(key) is { } forbidden)
            return refusals.Write(context, forbidden, key: key.Key);
        if (workspaces.Enter(context, policy, key.Key) is { } wrongWorkspace)
            return refusals.Write(context, wrongWorkspace, key: key.Key);

        signIn.SignIn(context, key);
        return signIn.Transforms ? TransformThenNext(context) : next(context);
    }

    private async Task TransformThenNext(HttpContext context)
    {
        await KeySignIn.TransformAsync(context).ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }
}
