using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// "A key with read:todos, or a signed-in user" (issue 15 item 4): a bearer token shaped like our keys is checked
/// as a key; anything else goes to the app's own schemes and policies, and is never a failed key attempt.
/// </summary>
public sealed class OrAuthorizationTests
{
    private static Task<TestApp> Start(Action<WebApplication>? pipeline = null) => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/todos", (HttpContext c) => c.User.Identity!.Name).RequireKey(KeyType.Read, "todos").OrAuthorization();
            a.MapGet("/admin-todos", [RequiresKey(KeyType.Read, Scope = "todos")][OrAuthorization(Policy = "admins")] (HttpContext c) => c.User.Identity!.Name);
            a.MapGet("/key-only", [RequiresKey(KeyType.Read, Scope = "todos")] () => "k");
        },
        services: s =>
        {
            TestUserScheme.Add(s);
            s.AddAuthorizationBuilder().AddPolicy("admins", p => p.RequireClaim("role", "admin"));
        },
        pipeline: pipeline ?? (a => a.UseDeclarativeAuth()));

    private static HttpRequestMessage Get(string path, string? authorization = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        return request;
    }

    [Fact]
    public async Task A_key_or_a_user_token_or_a_user_cookie_is_accepted()
    {
        await using var app = await Start();
        var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/todos", "Bearer " + app.Key("read:todos")))).StatusCode);
        var user = await client.SendAsync(Get("/todos", "Bearer " + TestUserScheme.Token("ann")));
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal("ann", await user.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/todos", cookie: "user=bob"))).StatusCode);
    }

    [Fact]
    public async Task Neither_is_a_401_challenge_and_never_malformed_header()
    {
        await using var app = await Start();
        var none = await app.Client().GetAsync("/todos");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var foreign = await app.Client().SendAsync(Get("/todos", "Bearer not-a-user-and-not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        Assert.DoesNotContain("Malformed", await foreign.Content.ReadAsStringAsync());
        var basic = await app.Client().SendAsync(Get("/todos", "Basic YW5uOnB3"));
        Assert.Equal(HttpStatusCode.Unauthorized, basic.StatusCode);
        Assert.DoesNotContain("Malformed", await basic.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_in_user_the_named_policy_refuses_is_403_and_one_it_accepts_is_200()
    {
        await using var app = await Start();
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client().SendAsync(Get("/admin-todos", "Bearer " + TestUserScheme.Token("ann")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().SendAsync(Get("/admin-todos", "Bearer " + TestUserScheme.Token("admin")))).StatusCode);
    }

    [Fact]
    public async Task A_key_lacking_the_permission_is_our_403_and_a_revoked_key_is_KEY_REVOKED()
    {
        await using var app = await Start();
        await (await app.Client(app.Key("read:other")).GetAsync("/todos")).AssertRefusal(403, "FORBIDDEN");
        var created = await app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "r", Permissions = ["read:todos"] });
        await app.Keys.RevokeAsync(created.Key.Id);
        await (await app.Client(created.Secret).GetAsync("/todos")).AssertRefusal(401, "KEY_REVOKED");
    }

    [Fact]
    public async Task Thirty_five_user_requests_from_one_address_never_lock_out_its_keys()
    {
        await using var app = await Start();
        var key = app.Key("read:todos");
        for (var i = 0; i < 35; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client().SendAsync(Get("/todos", "Bearer " + TestUserScheme.Token("ann")))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().SendAsync(Get("/todos", "Bearer expired-user-token"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/todos")).StatusCode);
    }

    [Fact]
    public async Task On_a_key_only_endpoint_user_tokens_are_refused_but_never_lock_out_the_address()
    {
        await using var app = await Start();
        var key = app.Key("read:todos");
        for (var i = 0; i < 35; i++)
        {
            var refused = await app.Client().SendAsync(Get("/key-only", "Bearer " + TestUserScheme.Token("ann")));
            var body = await refused.AssertRefusal(401, "UNAUTHORIZED");
            Assert.DoesNotContain("Malformed", body.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/key-only")).StatusCode);
    }

    [Fact]
    public async Task Key_requests_never_reach_the_apps_schemes_through_us_and_we_log_no_authentication_failure()
    {
        // WebApplication's implicit UseAuthentication() is left out (its marker set), so the only caller of the app's
        // scheme would be us. (That middleware itself runs the app's default scheme on every request, ours included.)
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/todos", () => "t").RequireKey(KeyType.Read, "todos").OrAuthorization(),
            services: s => TestUserScheme.Add(s),
            pipeline: a => { ((IApplicationBuilder)a).Properties["__AuthenticationMiddlewareSet"] = true; a.UseDeclarativeAuth(); });
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:todos")).GetAsync("/todos")).StatusCode);
        Assert.DoesNotContain(app.Logs.Lines(), l => l.Contains("was not authenticated", StringComparison.Ordinal));
    }
}
