using System.Net;
using System.Threading.RateLimiting;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// UseDeclarativeAuth() goes where the README says (right after Build()) in an app that already has logins and its
/// own middleware, and moves none of it (issue 15 items 1–3).
/// </summary>
public sealed class PipelinePlacementTests
{
    private static Task<TestApp> StartWithLogins(Action<WebApplication> pipeline, Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/me", (HttpContext c) => c.User.Identity!.Name).RequireAuthorization();
            a.MapGet("/limited", () => "l").AllowAnonymous().RequireRateLimiting("fixed");
            a.MapGet("/key", [RequiresKey(KeyType.Read, Scope = "todos")] () => "k");
        },
        services: s =>
        {
            TestUserScheme.Add(s);
            s.AddRateLimiter(o => o.RejectionStatusCode = 429).AddRateLimiter(o => o.AddFixedWindowLimiter("fixed", l => { l.PermitLimit = 2; l.Window = TimeSpan.FromHours(1); l.QueueLimit = 0; }));
            services?.Invoke(s);
        },
        pipeline: pipeline);

    private static HttpRequestMessage AsUser(string path, string user = "ann")
        => new(HttpMethod.Get, path) { Headers = { { "Authorization", "Bearer " + TestUserScheme.Token(user) } } };

    [Fact]
    public async Task Relying_on_WebApplications_automatic_authorization_a_user_token_on_Authorize_is_200_not_500()
    {
        await using var app = await StartWithLogins(a => a.UseDeclarativeAuth());
        var response = await app.Client().SendAsync(AsUser("/me"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ann", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:todos")).GetAsync("/key")).StatusCode);
    }

    [Fact]
    public async Task A_key_on_an_Authorize_endpoint_works_with_the_automatic_authorization_too()
    {
        await using var app = await StartWithLogins(a => a.UseDeclarativeAuth());
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:todos")).GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task The_apps_rate_limiter_placed_before_us_still_limits_200_200_429()
    {
        await using var app = await StartWithLogins(a =>
        {
            a.UseRateLimiter();
            a.UseDeclarativeAuth();
        });
        var client = app.Client();
        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
            codes.Add((int)(await client.GetAsync("/limited")).StatusCode);
        Assert.Equal([200, 200, 429], codes);
    }

    [Fact]
    public async Task Explicit_authentication_authorization_and_rate_limiter_after_us_keep_working()
    {
        await using var app = await StartWithLogins(a =>
        {
            a.UseDeclarativeAuth();
            a.UseAuthentication();
            a.UseAuthorization();
            a.UseRateLimiter();
        });
        Assert.Equal(HttpStatusCode.OK, (await app.Client().SendAsync(AsUser("/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:todos")).GetAsync("/me")).StatusCode);
        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
            codes.Add((int)(await app.Client().GetAsync("/limited")).StatusCode);
        Assert.Equal([200, 200, 429], codes);
    }

    [Fact]
    public async Task UseRouting_after_UseDeclarativeAuth_stops_start_up_naming_the_fix()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartWithLogins(a =>
        {
            a.UseDeclarativeAuth();
            a.UseRouting();
        }));
        Assert.Contains("UseRouting()", ex.Message);
        Assert.Contains("UseDeclarativeAuth()", ex.Message);
    }

    [Fact]
    public async Task The_apps_only_scheme_stays_its_default_when_it_named_none()
    {
        // The app relied on ASP.NET Core picking its only scheme; adding ApiKey must not make ApiKey the default.
        await using var app = await StartWithLogins(a => a.UseDeclarativeAuth());
        var schemes = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        Assert.Equal(TestUserScheme.Name, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
        Assert.Equal(TestUserScheme.Name, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);
        // and its users are not told "Missing API key"
        var response = await app.Client().GetAsync("/me");
        Assert.Equal("TestUser", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ApiKey_is_the_default_only_when_it_is_the_only_scheme()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/me", () => "me").RequireAuthorization());
        var schemes = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        Assert.Equal(DeclarativeAuthDefaults.AuthenticationScheme, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);
    }
}
