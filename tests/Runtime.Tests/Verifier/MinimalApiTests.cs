using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth.Tests.Verifier;

public sealed class MinimalApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(app =>
    {
        app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
        app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => Results.Accepted());
        app.MapDelete("/v1/events/{id}", [RequiresKey(KeyType.Delete, Scope = "events")] (string id) => Results.NoContent());
        app.MapGet("/v1/admin", [RequiresKey(KeyType.Admin)] () => "admin");
        app.MapGet("/v1/both", [RequiresKey(KeyType.Read, Scope = "events")][RequiresKey(KeyType.Read, Scope = "monitors")] () => "both");
        app.MapGet("/health", [AllowAnonymous] () => "ok");
        app.MapGet("/open", () => "open").AllowAnonymous();
        app.MapGet("/undeclared", () => "should not be served");
        app.MapGet("/whoami", [RequiresKey(KeyType.Read, Scope = "events")] (ClaimsPrincipal user, HttpContext ctx) =>
            $"{user.Identity!.Name}|{string.Join(",", user.FindAll(DeclarativeAuthClaimTypes.Permission).Select(c => c.Value))}|{ctx.Features.Get<IApiKeyFeature>()!.Key.Name}");

        var v2 = app.MapGroup("/v2").RequireKey(KeyType.Read, "monitors");
        v2.MapGet("/monitors", () => "group-declared");
        v2.MapPost("/monitors", [RequiresKey(KeyType.Write, Scope = "monitors")] () => "handler-replaces-group");
        var nested = v2.MapGroup("/incidents").RequireKey(KeyType.Read, "incidents");
        nested.MapGet("/", () => "outer-levels-add-up");
        v2.MapGroup("/public").AllowAnonymous().MapGet("/status", () => "public-group");

        app.MapGet("/authorize", () => "authorized").RequireAuthorization();
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task No_key_is_401_with_code_and_WWW_Authenticate()
    {
        var response = await _app.Client().GetAsync("/v1/events");
        await response.AssertRefusal(401, "UNAUTHORIZED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Unknown_key_is_401()
    {
        var response = await _app.Client(_app.Format.Generate()).GetAsync("/v1/events");
        var body = await response.AssertRefusal(401, "UNAUTHORIZED");
        Assert.Contains("Invalid API key", body.GetProperty("detail").GetString());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Bearerabc")]
    [InlineData("Bearer a b")]
    [InlineData("Token abc")]
    public async Task Malformed_authorization_header_is_401(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var response = await _app.Client().SendAsync(request);
        await response.AssertRefusal(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused_even_if_one_is_valid()
    {
        var key = _app.Key("read:events");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + key, "Bearer other"]);
        var response = await _app.Client().SendAsync(request);
        await response.AssertRefusal(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Scheme_is_case_insensitive()
    {
        var key = _app.Key("read:events");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + key);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client().SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Key_without_the_permission_is_403_naming_it()
    {
        var key = _app.Key("read:events");
        var response = await _app.Client(key).PostAsync("/v1/events", null);
        var body = await response.AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("write:events", body.GetProperty("detail").GetString());
        Assert.Equal("write:events", body.GetProperty("requiredPermissions")[0].GetString());
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Right_key_is_200()
    {
        var key = _app.Key("read:events");
        var response = await _app.Client(key).GetAsync("/v1/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("events", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_implies_read_on_the_same_scope_only()
    {
        var key = _app.Key("write:events");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(key).GetAsync("/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Client(key).PostAsync("/v1/events", null)).StatusCode);
        await (await _app.Client(key).DeleteAsync("/v1/events/1")).AssertRefusal(403, "FORBIDDEN");
        await (await _app.Client(key).GetAsync("/v2/monitors")).AssertRefusal(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Admin_is_everything()
    {
        var key = _app.Key("admin");
        foreach (var path in new[] { "/v1/events", "/v1/admin", "/v1/both", "/v2/monitors", "/v2/incidents" })
            Assert.Equal(HttpStatusCode.OK, (await _app.Client(key).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Client(key).DeleteAsync("/v1/events/1")).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoint_refuses_a_key_holding_every_scope_but_admin()
    {
        var key = _app.Key("write:events", "delete:events", "write:monitors");
        var body = await (await _app.Client(key).GetAsync("/v1/admin")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("admin", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Several_declarations_are_all_required()
    {
        var one = _app.Key("read:events");
        var body = await (await _app.Client(one).GetAsync("/v1/both")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("read:monitors", body.GetProperty("detail").GetString());
        Assert.DoesNotContain("read:events", body.GetProperty("detail").GetString());
        var both = _app.Key("read:events", "read:monitors");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(both).GetAsync("/v1/both")).StatusCode);
    }

    [Fact]
    public async Task Undeclared_endpoint_is_refused_even_with_an_admin_key()
    {
        await (await _app.Client().GetAsync("/undeclared")).AssertRefusal(403, "FORBIDDEN");
        await (await _app.Client(_app.Key("admin")).GetAsync("/undeclared")).AssertRefusal(403, "FORBIDDEN");
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/open")]
    [InlineData("/v2/public/status")]
    public async Task Public_endpoints_need_no_key(string path)
    {
        var response = await _app.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Public_endpoint_ignores_a_bad_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.Client("garbage").GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Group_declaration_covers_its_endpoints_and_a_handler_attribute_replaces_it()
    {
        var read = _app.Key("read:monitors");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(read).GetAsync("/v2/monitors")).StatusCode);
        await (await _app.Client().GetAsync("/v2/monitors")).AssertRefusal(401, "UNAUTHORIZED");

        var write = _app.Key("write:monitors");
        Assert.Equal("handler-replaces-group", await (await _app.Client(write).PostAsync("/v2/monitors", null)).Content.ReadAsStringAsync());
        await (await _app.Client(read).PostAsync("/v2/monitors", null)).AssertRefusal(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Nested_group_declarations_add_up()
    {
        var onlyInner = _app.Key("read:incidents");
        var body = await (await _app.Client(onlyInner).GetAsync("/v2/incidents")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("read:monitors", body.GetProperty("detail").GetString());
        var both = _app.Key("read:incidents", "read:monitors");
        Assert.Equal("outer-levels-add-up", await (await _app.Client(both).GetAsync("/v2/incidents")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_caller_is_visible_as_claims_and_as_a_feature()
    {
        var secret = _app.Format.Generate();
        _app.Store.Add("monitoring-service", secret, ["read:events", "write:incidents"]);
        var text = await (await _app.Client(secret).GetAsync("/whoami")).Content.ReadAsStringAsync();
        // write:incidents implies read:incidents, as a claim too (a policy on the claims accepts what the verifier does)
        Assert.Equal("monitoring-service|read:events,read:incidents,write:incidents|monitoring-service", text);
    }

    [Fact]
    public async Task Authorize_endpoints_see_the_key_as_an_authenticated_user()
    {
        var key = _app.Key("read:events");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(key).GetAsync("/authorize")).StatusCode);
    }

    [Fact]
    public async Task Expired_key_is_401_KEY_EXPIRED()
    {
        var secret = _app.Format.Generate();
        _app.Store.Add("short-lived", secret, ["read:events"], expiresAt: TestApp.Start.AddHours(1));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/v1/events")).StatusCode);
        _app.Time.Advance(TimeSpan.FromHours(1));
        await (await _app.Client(secret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_EXPIRED");
    }

    [Fact]
    public async Task Revoked_key_is_401_KEY_REVOKED_from_the_moment_revoke_returns()
    {
        var secret = _app.Format.Generate();
        var key = _app.Store.Add("to-revoke", secret, ["read:events"]);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/v1/events")).StatusCode);
        Assert.True(_app.Store.Revoke(key.Id));
        await (await _app.Client(secret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
    }

    [Fact]
    public async Task Unmatched_route_is_still_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client().GetAsync("/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task Start_up_logs_every_undeclared_endpoint_with_its_route()
    {
        var undeclared = _app.Logs.Lines().Where(l => l.Contains("Undeclared endpoint")).ToArray();
        Assert.True(undeclared.Length == 1, string.Join("\n", _app.Logs.Lines()));
        Assert.Single(undeclared);
        Assert.Contains("GET /undeclared", undeclared[0]);
        Assert.Contains("denied", undeclared[0]);
    }

    [Fact]
    public async Task Secrets_never_appear_in_logs()
    {
        var key = _app.Key("read:events");
        await _app.Client(key).GetAsync("/v1/events");
        await _app.Client(key).PostAsync("/v1/events", null);
        Assert.DoesNotContain(_app.Logs.Lines(), l => l.Contains(key, StringComparison.Ordinal));
    }
}
