using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Support;

/// <summary>
/// An app's own login, as a bearer token that is not one of our keys (<c>Authorization: Bearer user.&lt;id&gt;</c>,
/// like an Identity or JWT token) or a cookie (<c>Cookie: user=&lt;id&gt;</c>). Challenge 401 and forbid 403 are plain,
/// so tests can tell them from our JSON refusals. Any other bearer token fails, as a JWT handler's would.
/// </summary>
public sealed class TestUserScheme(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "TestUser";

    public static string Token(string user) => "user." + user;

    public static AuthenticationBuilder Add(IServiceCollection services, bool asDefault = false)
        => (asDefault ? services.AddAuthentication(Name) : services.AddAuthentication())
            .AddScheme<AuthenticationSchemeOptions, TestUserScheme>(Name, null);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? user = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            var token = header["Bearer ".Length..];
            if (!token.StartsWith("user.", StringComparison.Ordinal))
                return Task.FromResult(AuthenticateResult.Fail("Not a user token."));
            user = token["user.".Length..];
        }
        else if (Request.Cookies.TryGetValue("user", out var cookie))
        {
            user = cookie;
        }
        if (user is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user), new Claim("role", user == "admin" ? "admin" : "user")], Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "TestUser";
        return Task.CompletedTask;
    }
}
