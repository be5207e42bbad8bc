using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// <c>POST /auth/keys</c> with <c>for</c> and <c>GET /auth/keys/{id}/reach</c>: the fewest permissions reaching the
/// endpoints named, and everything a key reaches, from the live endpoints the verifier enforces.
/// </summary>
public sealed class LeastPrivilegeApiTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(app =>
        {
            app.MapApiKeyManagement();
            app.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
            app.MapGet("/api/monitors/{id}", [RequiresKey(KeyType.Read, Scope = "monitors")] (string id) => id);
            app.MapPost("/api/monitors", [RequiresKey(KeyType.Write, Scope = "monitors")] () => "w");
            app.MapGet("/api/incidents", [RequiresKey(KeyType.Read, Scope = "incidents")] () => "i");
            app.MapPost("/api/incidents", [RequiresKey(KeyType.Write, Scope = "incidents")] () => "i");
            app.MapGet("/health", () => "ok").AllowAnonymous();
        });
        _admin = _app.Client(_app.Key("admin"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task For_grants_the_fewest_permissions_and_reach_lists_what_they_open()
    {
        var response = await _admin.PostAsJsonAsync("/auth/keys", new { name = "status-page", @for = new[] { "GET /api/monitors/*", "* /api/incidents", "GET /health" } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        // write:incidents covers GET /api/incidents too; GET /health is public and needs nothing.
        Assert.Equal(["read:monitors", "write:incidents"], created.GetProperty("key").GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).Order());

        var id = created.GetProperty("key").GetProperty("id").GetString()!;
        var reach = JsonDocument.Parse(await _admin.GetStringAsync($"/auth/keys/{id}/reach")).RootElement;
        Assert.Equal(
            ["GET /api/incidents", "GET /api/monitors", "GET /api/monitors/{id}", "POST /api/incidents"],
            reach.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()!));

        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/api/monitors/7")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Client(secret).PostAsync("/api/monitors", null)).StatusCode);
    }

    [Theory]
    [InlineData("GET /nowhere", "for: 'GET /nowhere' matches no endpoint in the table.")]
    [InlineData("/api/monitors", "for: '/api/monitors' is not an endpoint: write 'METHOD /route', e.g. 'GET /api/monitors/*' or '* /api/incidents'.")]
    public async Task A_selector_that_reaches_nothing_is_a_400_naming_it_and_creates_no_key(string selector, string detail)
    {
        var response = await _admin.PostAsJsonAsync("/auth/keys", new { name = "x", @for = new[] { selector } });

        var body = await response.AssertRefusal(400, "INVALID_REQUEST");
        Assert.Equal(detail, body.GetProperty("detail").GetString());
        Assert.Single(await _app.Keys.ListAsync());
    }

    [Fact]
    public async Task Reach_of_an_unknown_key_is_404()
        => await (await _admin.GetAsync("/auth/keys/key_00000000000000000000/reach")).AssertRefusal(404, "NOT_FOUND");
}
