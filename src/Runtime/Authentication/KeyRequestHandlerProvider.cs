using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Keeps the app's own authentication handlers away from requests that carry one of our keys. WebApplication runs
/// the app's default scheme on every request (its automatic <c>UseAuthentication()</c>, placed before anything of
/// ours); handed a key it cannot read, the app's handler pays for trying (a bearer-token handler unprotects it) and
/// logs "was not authenticated" on every key request. For such a request the app's schemes answer "no result" to
/// authenticate, without running; challenge, forbid and sign-in still go to them. Other requests see the app's
/// handlers untouched.
/// </summary>
internal sealed class KeyRequestHandlerProvider(IAuthenticationHandlerProvider inner, ApiKeyFormat format) : IAuthenticationHandlerProvider
{
    private readonly string _keyPrefix = format.Prefix + "_";

    public async Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
    {
        var handler = await inner.GetHandlerAsync(context, authenticationScheme).ConfigureAwait(false);
        if (handler is null || authenticationScheme == DeclarativeAuthDefaults.AuthenticationScheme || !CarriesKey(context.Request))
            return handler;
        return new NotForKeys(handler);
    }

    // The same test as the authentication step's: a bearer token with our prefix is ours; anything else is the app's.
    private bool CarriesKey(HttpRequest request)
        => BearerToken.TryRead(request.Headers, out var token) == BearerToken.Result.Found
           && token.StartsWith(_keyPrefix, StringComparison.Ordinal);

    private sealed class NotForKeys(IAuthenticationHandler inner) : IAuthenticationSignInHandler
    {
        public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context) => inner.InitializeAsync(scheme, context);

        public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

        public Task ChallengeAsync(AuthenticationProperties? properties) => inner.ChallengeAsync(properties);

        public Task ForbidAsync(AuthenticationProperties? properties) => inner.ForbidAsync(properties);

        public Task SignInAsync(System.Security.Claims.ClaimsPrincipal user, AuthenticationProperties? properties)
            => inner is IAuthenticationSignInHandler signIn ? signIn.SignInAsync(user, properties)
                : throw new InvalidOperationException($"The authentication handler {inner.GetType().Name} cannot sign in.");

        public Task SignOutAsync(AuthenticationProperties? properties)
            => inner is IAuthenticationSignOutHandler signOut ? signOut.SignOutAsync(properties)
                : throw new InvalidOperationException($"The authentication handler {inner.GetType().Name} cannot sign out.");
    }
}
