using System.Security.Claims;

namespace Declarative.Auth;

/// <summary>A key as the verifier uses it: its grants compiled over the catalog and its principal, built once.</summary>
internal sealed class VerifiedKey
{
    public VerifiedKey(ApiKey key, PermissionCatalog catalog)
    {
        Key = key;
        Catalog = catalog;
        Grants = catalog.CompileGrants(key.Permissions);
        IsAdmin = key.Permissions.Contains(PermissionName.Admin);
        var claims = new List<Claim>
        {
            new(DeclarativeAuthClaimTypes.KeyId, key.Id),
            new(ClaimTypes.NameIdentifier, key.Id),
            new(ClaimTypes.Name, key.Name),
        };
        claims.AddRange(key.Permissions.Select(p => new Claim(DeclarativeAuthClaimTypes.Permission, p)));
        Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, DeclarativeAuthDefaults.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
        Feature = new ApiKeyFeature(key);
    }

    public ApiKey Key { get; }
    public PermissionCatalog Catalog { get; }
    public PermissionSet Grants { get; }
    public bool IsAdmin { get; }

    // Shared across the key's requests so the hot path allocates nothing; handlers that need to add
    // claims should clone it (ClaimsPrincipal.Clone()).
    public ClaimsPrincipal Principal { get; }
    public ApiKeyFeature Feature { get; }

    public static VerifiedKey For(ApiKey key, PermissionCatalog catalog)
    {
        // `with` copies the cache field into a new record (a rotation's replacement, a revoked copy): a cached
        // entry is only valid for the very record it was built from.
        var cached = key.Verified;
        if (cached is not null && ReferenceEquals(cached.Key, key) && ReferenceEquals(cached.Catalog, catalog))
            return cached;
        var fresh = new VerifiedKey(key, catalog);
        key.Verified = fresh;
        return fresh;
    }
}

/// <summary>Claim types on <c>HttpContext.User</c> for a request made with an API key.</summary>
public static class DeclarativeAuthClaimTypes
{
    /// <summary>The key's id.</summary>
    public const string KeyId = "declarative_auth:key_id";

    /// <summary>One claim per permission the key holds, e.g. <c>read:monitors</c>.</summary>
    public const string Permission = "permission";
}

/// <summary>Names shared with ASP.NET Core's authentication.</summary>
public static class DeclarativeAuthDefaults
{
    /// <summary>The authentication type of the identity a verified key produces.</summary>
    public const string AuthenticationType = "ApiKey";

    /// <summary>The authentication scheme registered for <c>[Authorize]</c> endpoints.</summary>
    public const string AuthenticationScheme = "ApiKey";
}

/// <summary>The verified key of the current request, from <c>HttpContext.Features.Get&lt;IApiKeyFeature&gt;()</c>.</summary>
public interface IApiKeyFeature
{
    /// <summary>The key (never its secret).</summary>
    ApiKey Key { get; }
}

internal sealed class ApiKeyFeature(ApiKey key) : IApiKeyFeature
{
    public ApiKey Key { get; } = key;
}
