using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Makes the caller of an <c>[Authorize]</c> endpoint known from its key, without refusing anything (ASP.NET
/// Core authorization decides). Shared by the verifier and the <c>ApiKey</c> authentication scheme, and a
/// no-op once either has done it, so no request pays two lookups.
/// </summary>
internal sealed class KeyAuthenticator(IApiKeyStore store, ApiKeyFormat format, DeclarativeAuthState state, TimeProvider time)
{
    /// <summary>True when the request carries an active standard key; store faults propagate to the caller.</summary>
    public async ValueTask<bool> TryAuthenticateAsync(HttpContext context)
    {
        if (context.Features.Get<IApiKeyFeature>() is not null && context.User.Identity?.AuthenticationType == DeclarativeAuthDefaults.AuthenticationType)
            return true;
        if (BearerToken.TryRead(context.Request.Headers, out var token) != BearerToken.Result.Found
            || format.Check(token) != KeyFormatError.None
            || !KeyHash.TryCompute(token, out var hash))
            return false;
        var key = await store.FindAsync(hash, context.RequestAborted).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (key is null || key.IsRevoked(now) || key.IsExpired(now) || key.Kind != ApiKeyKind.Standard)
            return false;
        var verified = VerifiedKey.For(key, state.Catalog);
        context.User = verified.Principal;
        context.Features.Set<IApiKeyFeature>(verified.Feature);
        return true;
    }
}
