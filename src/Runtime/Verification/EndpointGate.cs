using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// What an endpoint's declaration decides before any key is read: a public endpoint passes, an undeclared one is
/// refused (or passes, when the app allows it), an organizations-key endpoint is checked on its own key, and an
/// <c>[Authorize]</c> endpoint takes the <c>ApiKey</c> scheme's outcome when that scheme already ran, so a key is
/// never counted twice. Only a key endpoint (or an <c>[Authorize]</c> one the scheme has not seen) goes on to
/// authentication. Synchronous and allocation-free: it answers with the next delegate's or a refusal's Task.
/// </summary>
internal sealed class EndpointGate(DeclarativeAuthState state, OrganizationsKeyCheck organizations, Refusals refusals)
{
    /// <summary>
    /// The request's answer when the declaration alone decides it; null when the key must be authenticated against
    /// <paramref name="policy"/>.
    /// </summary>
    public Task? Answer(HttpContext context, Endpoint endpoint, RequestDelegate next, out EndpointPolicy policy)
    {
        policy = null!;
        if (AspNetCoreInternals.IsMethodNotAllowed(endpoint))
            return state.IsDisabledOrganizationsPath(context.Request.Path) ? NotFound(context) : next(context);

        policy = state.PolicyFor(endpoint);
        switch (policy.Access)
        {
            case EndpointAccess.Public:
                return next(context);
            case EndpointAccess.Undeclared when ReferenceEquals(policy, EndpointPolicy.Misdeclared):
                return refusals.Write(context, AuthError.Misdeclared);
            case EndpointAccess.Undeclared:
                return state.AllowUndeclared ? next(context) : refusals.Write(context, AuthError.Undeclared);
            case EndpointAccess.OrganizationsKey:
                return organizations.Check(context) is not { } refused ? next(context)
                    : OrganizationsKeyCheck.IsDisabled(refused.Error) ? NotFound(context)
                    : refusals.Write(context, refused.Error, refused.Limit);
            // The ApiKey scheme ran first (UseAuthentication() before us): take its outcome, never count a key twice.
            case EndpointAccess.Authorize when KeySignIn.SignedIn(context) is not null:
                return next(context);
            case EndpointAccess.Authorize when context.Features.Get<ApiKeyAuthenticationHandler.PendingRefusal>() is { } pending:
                return refusals.Write(context, pending.Error, pending.Limit);
            default:
                return null;
        }
    }

    // A disabled organizations-key path looks like no endpoint at all.
    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
