using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Organizations endpoints: the organizations key in the Authorization header, never in the URL, under the same
/// failed-attempt limit as API keys. Disabled (no key configured), they answer as a route that does not exist.
/// </summary>
internal sealed class OrganizationsKeyCheck(OrganizationsKey organizationsKey, KeyAuthentication authentication, KeysInUrl urls)
{
    private static readonly AuthError Disabled = new(StatusCodes.Status404NotFound, "NOT_FOUND", "Not found.");

    /// <summary>Null when the request may go on; else the refusal and, for a 429, its window.</summary>
    public (AuthError Error, KeyRateLimiter.Decision? Limit)? Check(HttpContext context)
    {
        if (!organizationsKey.IsEnabled)
            return (Disabled, null);
        if (urls.Carries(context.Request))
            return Refusal(authentication.Fail(context, AuthError.KeyInUrl));
        // As for API keys, an address past its failed-attempt limit still gets the right key through; its wrong
        // guesses keep answering 429 (Fail).
        switch (BearerToken.TryRead(context.Request.Headers, out var token))
        {
            case BearerToken.Result.Missing:
                return (AuthError.MissingKey, null);
            case BearerToken.Result.Found when organizationsKey.Matches(token):
                context.User = Principal;
                return null;
            default:
                return Refusal(authentication.Fail(context, AuthError.InvalidKey));
        }
    }

    /// <summary>True for the answer of a disabled organizations endpoint, which writes no body (as a missing route).</summary>
    public static bool IsDisabled(AuthError error) => ReferenceEquals(error, Disabled);

    private static (AuthError, KeyRateLimiter.Decision?) Refusal(KeyOutcome failed) => (failed.Error!, failed.Limit);

    private static ClaimsPrincipal Principal => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "organizations")], DeclarativeAuthDefaults.AuthenticationType));
}
