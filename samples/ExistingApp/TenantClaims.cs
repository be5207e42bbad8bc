using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace ExistingApp;

/// <summary>
/// The app's own claims transformation: every caller gets its tenant, and signed-in users the permissions their
/// account has. A key's principal brings its own <c>permission</c> claims, so only the tenant is added to it.
/// </summary>
internal sealed class TenantClaims : IClaimsTransformation
{
    public const string Type = "tenant";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        // ASP.NET Core may run a transformation more than once per request: add nothing twice.
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == Type))
            return Task.FromResult(principal);
        var added = new ClaimsIdentity();
        added.AddClaim(new Claim(Type, "acme"));
        if (!principal.HasClaim(c => c.Type == "permission"))
        {
            added.AddClaim(new Claim("permission", "read:todos"));
            added.AddClaim(new Claim("permission", "write:todos"));
        }
        var copy = principal.Clone(); // the principal may be shared (a key's is): never change it in place
        copy.AddIdentity(added);
        return Task.FromResult(copy);
    }
}
