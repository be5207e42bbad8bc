using System.Security.Claims;

namespace Declarative.Auth;

/// <summary>Claim types on <c>HttpContext.User</c> for a request made with an API key.</summary>
public static class DeclarativeAuthClaimTypes
{
    /// <summary>The key's id.</summary>
    public const string KeyId = "declarative_auth:key_id";

    /// <summary>One claim per permission the key holds, e.g. <c>read:monitors</c>.</summary>
    public const string Permission = "permission";
}
