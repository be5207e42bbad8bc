using System.Security.Claims;

namespace Declarative.Auth;

/// <summary>
/// A key as the verifier uses it: its grants compiled over the catalog, built once per key record and catalog (see
/// <see cref="VerifiedKeys"/>). It holds no principal: <see cref="CreatePrincipal"/> makes a new one for each request
/// that reads <c>HttpContext.User</c>, so a claims transformation or a handler that edits it edits only its own.
/// </summary>
internal sealed class VerifiedKey
{
    private readonly Claim[] _claims;

    public VerifiedKey(ApiKey key, PermissionCatalog catalog)
    {
        Key = key;
        Catalog = catalog;
        Grants = catalog.CompileGrants(key.Permissions);
        IsAdmin = key.Permissions.Contains(PermissionName.Admin);
        var claims = new List<Claim>
        {
            new(DeclarativeAuthClaimTypes.KeyId, key.Id),
            // A key that acts for a user is that user to the app's handlers; its own id stays in KeyId.
            new(ClaimTypes.NameIdentifier, key.Owner ?? key.Id),
            new(ClaimTypes.Name, key.Name),
        };
        claims.AddRange(ImpliedPermissions(key, catalog).Select(p => new Claim(DeclarativeAuthClaimTypes.Permission, p)));
        _claims = [.. claims];
        Feature = new ApiKeyFeature(key);
    }

    public ApiKey Key { get; }
    public PermissionCatalog Catalog { get; }
    public PermissionSet Grants { get; }
    public bool IsAdmin { get; }

    /// <summary>The same for every request of this key: the record is immutable.</summary>
    public ApiKeyFeature Feature { get; }

    /// <summary>A principal of this request's own (claims are immutable and shared; identity and principal are not).</summary>
    public ClaimsPrincipal CreatePrincipal()
        => new(new ClaimsIdentity(_claims, DeclarativeAuthDefaults.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// The permission claims: what the key holds and what that implies, by the rule <see cref="ApiKey.Grants"/>
    /// applies (write:x implies read:x; admin implies every permission this app's endpoints use), so a policy on
    /// the claims accepts what the verifier accepts.
    /// </summary>
    internal static IEnumerable<string> ImpliedPermissions(ApiKey key, PermissionCatalog catalog)
    {
        var implied = new SortedSet<string>(key.Permissions, StringComparer.Ordinal);
        foreach (var p in key.Permissions)
        {
            if (p.StartsWith("write:", StringComparison.Ordinal))
                implied.Add("read:" + p[6..]);
        }
        if (implied.Contains(PermissionName.Admin))
            implied.UnionWith(catalog.Names);
        return implied.Where(key.Grants);
    }
}
