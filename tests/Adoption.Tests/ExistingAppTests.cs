using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>
/// Issue 15's "must show", on samples/ExistingApp: an app with Identity bearer tokens, route groups, policies, a
/// claims transformation and its own rate limiter, which added keys by following the README. Each test names the
/// issue's item it holds. A fresh app per test: rate limits and failed attempts never leak between tests.
/// </summary>
public sealed class ExistingAppTests : IDisposable
{
    private readonly ExistingAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact] // 15.1
    public async Task A_users_token_on_an_Authorize_endpoint_is_200()
    {
        var token = await _app.SignUpAsync("ada@example.com");
        var response = await _app.ClientWith(token).GetAsync("/api/account");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ada@example.com", (await response.Content.ReadFromJsonAsync<AccountView>())!.Name);
    }

    [Fact] // 15.1
    public async Task Identitys_own_Authorize_endpoints_take_the_users_token()
    {
        var token = await _app.SignUpAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(token).GetAsync("/manage/info")).StatusCode);
    }

    [Fact]
    public async Task Without_a_credential_an_Authorize_endpoint_is_401()
        => Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/account")).StatusCode);

    [Fact] // 15.2
    public async Task The_apps_own_rate_limiter_still_limits()
    {
        var client = _app.CreateClient();
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
            statuses.Add((int)(await client.GetAsync("/api/search?q=milk")).StatusCode);
        Assert.Equal([200, 200, 429], statuses);
    }

    [Fact] // 15.3
    public async Task The_apps_own_scheme_stays_its_default_and_users_are_never_asked_for_an_API_key()
    {
        var schemes = _app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(IdentityConstants.BearerScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
        Assert.Equal(IdentityConstants.BearerScheme, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);

        var token = await _app.SignUpAsync("ada@example.com");
        var response = await _app.ClientWith(token).GetAsync("/api/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_on_a_key_endpoint_is_200()
    {
        var key = await _app.CreateKeyAsync("reporting", ["read:reports"]);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(key).GetAsync("/api/reports/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/reports/usage")).StatusCode);
    }

    [Fact] // 15.4
    public async Task A_key_or_user_endpoint_takes_a_key_and_a_users_token()
    {
        var token = await _app.SignUpAsync("ada@example.com");
        var key = await _app.CreateKeyAsync("sync", ["read:todos"]);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(token).GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(key).GetAsync("/api/todos")).StatusCode);
    }

    [Fact] // 15.4
    public async Task A_key_or_user_endpoint_refuses_a_caller_who_is_neither()
    {
        var wrongKey = await _app.CreateKeyAsync("reporting", ["read:reports"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.ClientWith("not-a-token").GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.ClientWith(wrongKey).GetAsync("/api/todos")).StatusCode);
        // A read key may not write: the endpoint's own write:todos still applies to keys.
        var readKey = await _app.CreateKeyAsync("sync", ["read:todos"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.ClientWith(readKey).PostAsJsonAsync("/api/todos", new { title = "milk" })).StatusCode);
    }

    [Fact] // 15.4
    public async Task Thirty_five_user_requests_from_one_address_never_lock_out_its_keys()
    {
        var token = await _app.SignUpAsync("ada@example.com");
        var key = await _app.CreateKeyAsync("sync", ["read:todos"]);
        var user = _app.ClientWith(token);
        for (var i = 0; i < 35; i++)
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(key).GetAsync("/api/todos")).StatusCode);
    }

    [Fact] // 15.5
    public async Task A_key_with_an_owner_reaches_handlers_as_that_user()
    {
        var token = await _app.SignUpAsync("ada@example.com");
        var user = _app.ClientWith(token);
        var me = await user.GetFromJsonAsync<AccountView>("/api/account");
        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync("/api/todos", new { title = "milk" })).StatusCode);

        var key = await _app.CreateKeyAsync("ada's script", ["read:todos"], owner: me!.Id);
        var asKey = _app.ClientWith(key);
        Assert.Equal(me.Id, (await asKey.GetFromJsonAsync<AccountView>("/api/account"))!.Id);
        var todos = await asKey.GetFromJsonAsync<TodoView[]>("/api/todos");
        Assert.Equal(["milk"], todos!.Select(t => t.Title));
    }

    [Fact] // 15.6
    public async Task The_apps_claims_transformation_runs_for_a_keys_principal()
    {
        var key = await _app.CreateKeyAsync("sync", ["read:todos"]);
        var me = await _app.ClientWith(key).GetFromJsonAsync<AccountView>("/api/account");
        Assert.Equal("acme", me!.Tenant);
    }

    [Fact] // 15.6
    public async Task A_write_key_passes_a_policy_that_checks_the_read_permission_claim()
    {
        var key = await _app.CreateKeyAsync("sync", ["write:todos"]);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(key).GetAsync("/api/export")).StatusCode);
        var unrelated = await _app.CreateKeyAsync("reporting", ["read:reports"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.ClientWith(unrelated).GetAsync("/api/export")).StatusCode);
    }

    [Fact] // 15.7
    public async Task Identitys_undeclared_endpoints_are_public_and_its_manage_endpoints_still_need_a_login()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/register", new { email = "bob@example.com", password = "Correct-Horse-9" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/manage/info")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/manage/info", new { newEmail = "eve@example.com" })).StatusCode);
    }

    [Fact] // 15.9
    public async Task A_key_request_logs_nothing_about_the_apps_own_scheme()
    {
        var key = await _app.CreateKeyAsync("sync", ["read:todos"]);
        _app.Logs.Clear();
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(key).GetAsync("/api/todos")).StatusCode);
        // What 15.9 saw: the app's Identity.Bearer handler, run by WebApplication's UseAuthentication() on a key it
        // cannot read, logs "AuthenticationScheme: Identity.Bearer was not authenticated. Failure message: ...".
        var noise = _app.Logs.Where(line => line.Contains("was not authenticated", StringComparison.Ordinal)).ToArray();
        Assert.True(noise.Length == 0, string.Join('\n', noise));
    }

    [Fact] // 15.9
    public async Task An_Authorize_endpoint_says_why_it_refused_a_revoked_or_unknown_key()
    {
        var service = _app.Services.GetRequiredService<ApiKeyService>();
        var created = await service.CreateAsync(new CreateApiKeyRequest { Name = "old", Permissions = ["read:todos"] });
        await service.RevokeAsync(created.Key.Id);
        var revoked = await _app.ClientWith(created.Secret).GetAsync("/api/account");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("KEY_REVOKED", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknown = await _app.ClientWith(service.Format.Generate()).GetAsync("/api/account");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.DoesNotContain("Missing API key", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed record AccountView(string? Id, string? Name, string? Tenant);

    private sealed record TodoView(string Id, string Title);
}
