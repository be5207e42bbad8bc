using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>
/// When the ApiKey scheme is the app's only one, the verifier is the app's authentication: WebApplication adds no
/// AuthenticationMiddleware (ahead of routing it would run the scheme's handler on every request, for nothing),
/// and [Authorize] endpoints still see the key's user.
/// </summary>
public sealed class AuthenticationPipelineTests
{
    // AuthenticationMiddleware sets IAuthenticationFeature on every request it sees: its absence says it did not run.
    private static string Middleware(HttpContext c) => c.Features.Get<IAuthenticationFeature>() is null ? "none" : "authentication";

    private static Task<TestApp> Start(Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/authorized", (HttpContext c) => Middleware(c) + "|" + c.User.Identity?.Name).RequireAuthorization();
            a.MapGet("/admins", () => "admin").RequireAuthorization("admins");
            a.MapGet("/key", [RequiresKey(KeyType.Read, Scope = "events")] (HttpContext c) => Middleware(c));
        },
        services: s =>
        {
            s.AddAuthorizationBuilder().AddPolicy("admins", p => p.RequireClaim(DeclarativeAuthClaimTypes.Permission, "admin"));
            services?.Invoke(s);
        });

    [Fact]
    public async Task Only_the_ApiKey_scheme_no_AuthenticationMiddleware_runs()
    {
        await using var app = await Start();
        var key = app.Key("read:events");
        Assert.Equal("none", await app.Client(key).GetStringAsync("/key"));
        Assert.Equal("none|key-read:events", await app.Client(key).GetStringAsync("/authorized"));
    }

    [Fact]
    public async Task Authorize_endpoints_keep_their_401_403_and_200()
    {
        await using var app = await Start();
        await (await app.Client().GetAsync("/authorized")).AssertRefusal(401, "UNAUTHORIZED");
        await (await app.Client(app.Format.Generate()).GetAsync("/authorized")).AssertRefusal(401, "UNAUTHORIZED");
        await (await app.Client(app.Key("read:events")).GetAsync("/admins")).AssertRefusal(403, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("admin")).GetAsync("/admins")).StatusCode);
    }

    [Fact]
    public async Task With_another_scheme_the_AuthenticationMiddleware_stays_and_keys_still_work()
    {
        await using var app = await Start(
            s => s.AddAuthentication().AddScheme<AuthenticationSchemeOptions, CookieLikeHandler>("Other", null));
        var key = app.Key("read:events");
        Assert.Equal("authentication", await app.Client(key).GetStringAsync("/key"));
        Assert.Equal("authentication|key-read:events", await app.Client(key).GetStringAsync("/authorized"));
        // The app's only scheme stays its default (issue 15 item 3): its challenge answers, not ours.
        var challenged = await app.Client().GetAsync("/authorized");
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Empty(challenged.Headers.WwwAuthenticate);
    }

    /// <summary>Signs in whoever X-Other-User names, like a cookie would.</summary>
    private sealed class CookieLikeHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
            => Task.FromResult(Request.Headers["X-Other-User"].ToString() is { Length: > 0 } name
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "Other")), "Other"))
                : AuthenticateResult.NoResult());
    }
}
