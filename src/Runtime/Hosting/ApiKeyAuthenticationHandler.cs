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
    KeyAuthenticator authenticator,
    DeclarativeAuthState state) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // With another scheme in the app, WebApplication's UseAuthentication() runs this on every request, ahead of
        // routing: look a key up only for an [Authorize] endpoint, and only if the verifier has not already done it.
        if (Context.Features.Get<IApiKeyFeature>() is null
            && (Context.GetEndpoint() is not { } endpoint || state.PolicyFor(endpoint).Access != EndpointAccess.Authorize))
            return AuthenticateResult.NoResult();
        try
        {
            return await authenticator.TryAuthenticateAsync(Context).ConfigureAwait(false)
                ? AuthenticateResult.Success(new AuthenticationTicket(Context.User, Scheme.Name))
                : AuthenticateResult.NoResult();
        }
        catch (KeyStoreUnavailableException)
        {
            return AuthenticateResult.NoResult(); // the challenge answers 401; the verifier itself answers 503
        }
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
