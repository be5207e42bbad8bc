using Microsoft.AspNetCore.Authentication;

namespace Declarative.Auth;

/// <summary>
/// Which scheme is the default once ours is added. An app that named none relied on ASP.NET Core's rule: its only
/// scheme is the default. Adding <c>ApiKey</c> would end that rule (two schemes, no default), so the app's own scheme
/// is named the default in its place, and its users keep their challenge. <c>ApiKey</c> becomes the default only in an
/// app with no scheme of its own (so <c>[Authorize]</c> endpoints challenge with our 401, not an exception).
/// </summary>
internal static class DefaultScheme
{
    public static void Keep(AuthenticationOptions options)
    {
        if (options.DefaultScheme is not null || options.DefaultAuthenticateScheme is not null || options.DefaultChallengeScheme is not null)
            return;
        var own = options.Schemes.Where(s => s.Name != DeclarativeAuthDefaults.AuthenticationScheme).Select(s => s.Name).ToArray();
        options.DefaultScheme = own.Length switch
        {
            0 => DeclarativeAuthDefaults.AuthenticationScheme,
            1 => own[0],
            _ => null, // several and none named: ambiguous before us too; the app decides
        };
    }
}
