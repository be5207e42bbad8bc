using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The <c>ApiKey</c> authentication scheme, so <c>[Authorize]</c> and <c>RequireAuthorization()</c> endpoints work
/// with API keys: it authenticates the key the verifier already checked (or checks one itself), and its
/// challenge and forbid answers are our JSON errors (401 <c>UNAUTHORIZED</c>, 403 <c>FORBIDDEN</c>) instead of
/// ASP.NET Core's "no authentication scheme" exception.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IAuthErrorWriter errors,
    IApiKeyStore store,
    ApiKeyFormat format,
    DeclarativeAuthState state) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Usually the verifier ran first and already verified the key; otherwise (UseAuthorization placed
        // before UseDeclarativeAuth) verify it here, so the order of the two calls does not matter.
        if (Context.Features.Get<IApiKeyFeature>() is not null && Context.User.Identity?.AuthenticationType == DeclarativeAuthDefaults.AuthenticationType)
            return AuthenticateResult.Success(new AuthenticationTicket(Context.User, Scheme.Name));
        // WebApplication inserts UseAuthentication() ahead of routing, so this runs on every request: look a
        // key up only for an [Authorize] endpoint the verifier has not handled, never twice for the same request.
        if (Context.GetEndpoint() is not { } endpoint || state.PolicyFor(endpoint).Access != EndpointAccess.Authorize)
            return AuthenticateResult.NoResult();
        if (BearerToken.TryRead(Request.Headers, out var token) != BearerToken.Result.Found || format.Check(token) != KeyFormatError.None
            || !KeyHash.TryCompute(token, out var hash))
            return AuthenticateResult.NoResult();
        ApiKey? key;
        try
        {
            key = await store.FindAsync(hash, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (KeyStoreUnavailableException)
        {
            return AuthenticateResult.NoResult(); // the challenge answers 401; the verifier itself answers 503
        }
        var now = TimeProvider.GetUtcNow();
        if (key is null || key.IsRevoked(now) || key.IsExpired(now) || key.Kind != ApiKeyKind.Standard)
            return AuthenticateResult.NoResult();
        var verified = VerifiedKey.For(key, state.Catalog);
        Context.Features.Set<IApiKeyFeature>(verified.Feature);
        return AuthenticateResult.Success(new AuthenticationTicket(verified.Principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return errors.WriteAsync(Context, AuthError.MissingKey);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return errors.WriteAsync(Context, AuthError.PolicyDenied);
    }
}
