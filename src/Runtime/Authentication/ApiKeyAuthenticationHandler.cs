using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The <c>ApiKey</c> authentication scheme, so <c>[Authorize]</c> and <c>RequireAuthorization()</c> endpoints work
/// with API keys. It takes the key the verifier already signed in, or runs the verifier's own authentication step
/// (<see cref="KeyAuthentication"/>: store timeout, failed-attempt limit, key in the URL) and rate limit itself, so
/// no path skips a guard. A refusal is kept for the challenge, which answers it as the verifier would (401
/// <c>KEY_REVOKED</c>, 429, 503…) instead of a bare 401; forbid answers our 403 JSON.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Refusals refusals,
    KeyAuthentication authentication,
    KeyRateLimits limits,
    KeySignIn signIn,
    DeclarativeAuthState state) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The refusal this request's authentication produced, for the challenge (or the verifier after it) to answer.</summary>
    internal sealed class PendingRefusal(AuthError error, KeyRateLimiter.Decision? limit)
    {
        public AuthError Error { get; } = error;
        public KeyRateLimiter.Decision? Limit { get; } = limit;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeySignIn.SignedIn(Context) is not null)
            return Success();
        // With another scheme in the app, UseAuthentication() may run this ahead of any endpoint: a key is looked up
        // only for an [Authorize] endpoint (key endpoints are the verifier's), and only once per request.
        if (Context.GetEndpoint() is not { } endpoint || Context.Features.Get<PendingRefusal>() is not null)
            return AuthenticateResult.NoResult();
        var policy = state.PolicyFor(endpoint);
        if (policy.Access != EndpointAccess.Authorize)
            return AuthenticateResult.NoResult();

        var outcome = await authentication.AuthenticateAsync(Context).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case KeyOutcomeKind.Refused:
                return Pending(outcome.Error!, outcome.Limit);
            case KeyOutcomeKind.Valid:
                var key = outcome.Key!;
                if (!limits.TryAcquire(Context, policy, key.Key, out var window))
                    return Pending(limits.Refusal(policy, window), window);
                if (policy.Refuses(key) is { } refused)
                    return Pending(refused, null);
                signIn.SignIn(Context, key); // ASP.NET Core's authentication service runs the app's claims transformation
                return Success();
            default:
                return AuthenticateResult.NoResult();
        }
    }

    private AuthenticateResult Success() => AuthenticateResult.Success(new AuthenticationTicket(Context.User, Scheme.Name));

    // NoResult, not Fail: a refused key is answered by the challenge, and a failure would be logged on every request.
    private AuthenticateResult Pending(AuthError error, KeyRateLimiter.Decision? limit)
    {
        Context.Features.Set(new PendingRefusal(error, limit));
        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        => Context.Features.Get<PendingRefusal>() is { } pending
            ? refusals.Write(Context, pending.Error, pending.Limit)
            : refusals.Write(Context, AuthError.MissingKey);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        => refusals.Write(Context, AuthError.PolicyDenied);
}
