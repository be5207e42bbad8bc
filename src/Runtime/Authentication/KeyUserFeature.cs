using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Declarative.Auth;

/// <summary>
/// <c>HttpContext.User</c> for a request signed in with a key: the principal is made on first read, for this request
/// only, so a request whose handler never reads it pays nothing for it. Setting <c>User</c> (another scheme, a claims
/// transformation) replaces it, as with ASP.NET Core's own feature.
/// </summary>
internal sealed class KeyUserFeature : IHttpAuthenticationFeature
{
    private ClaimsPrincipal? _user;

    /// <summary>The key this request was signed in with; null before any.</summary>
    public VerifiedKey? Key { get; private set; }

    public void SignIn(VerifiedKey key)
    {
        Key = key;
        _user = null;
    }

    public ClaimsPrincipal? User
    {
        get => _user ??= Key?.CreatePrincipal();
        set => _user = value;
    }
}
