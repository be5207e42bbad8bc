using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Keys;

public sealed class ManagementApiTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(app =>
        {
            app.MapApiKeyManagement();
            app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "ingested");
        });
        _admin = _app.Client(_app.Key("admin"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Id, string Secret, JsonElement Body)> Create(object body)
    {
        var response = await _admin.PostAsJsonAsync("/auth/keys", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("key").GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!, json);
    }

    [Fact]
    public async Task Create_shows_the_secret_once_and_list_and_get_never_do()
    {
        var (id, secret, body) = await Create(new { name = "monitoring-service", permissions = new[] { "read:events" } });
        Assert.Equal(KeyFormatError.None, _app.Format.Check(secret));
        Assert.Contains("will not be shown again", body.GetProperty("warning").GetString());
        Assert.Equal("read:events", body.GetProperty("key").GetProperty("permissions")[0].GetString());
        Assert.Equal("active", body.GetProperty("key").GetProperty("status").GetString());

        var list = await _admin.GetStringAsync("/auth/keys");
        var one = await _admin.GetStringAsync($"/auth/keys/{id}");
        Assert.Contains("monitoring-service", list);
        Assert.Contains(id, one);
        foreach (var text in new[] { list, one })
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(secret[^28..], text);
            Assert.DoesNotContain(KeyHash.Compute(secret).ToHex(), text);
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/v1/events")).StatusCode);
    }

    [Fact]
    public async Task Management_needs_an_admin_key()
    {
        await (await _app.Client().GetAsync("/auth/keys")).AssertRefusal(401, "UNAUTHORIZED");
        var reader = _app.Client(_app.Key("write:events"));
        var body = await (await reader.GetAsync("/auth/keys")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("admin", body.GetProperty("detail").GetString());
        await (await reader.PostAsJsonAsync("/auth/keys", new { name = "x", permissions = new[] { "admin" } })).AssertRefusal(403, "FORBIDDEN");
    }

    [Theory]
    [InlineData("""{"permissions":["read:events"]}""", "name is required")]
    [InlineData("""{"name":"x","permissions":["read:nope"]}""", "known scopes: events")]
    [InlineData("""{"name":"x","permissions":["READ events"]}""", "is not a permission")]
    [InlineData("""{"name":"x","permissions":[]}""", "at least one permission")]
    [InlineData("""{"name":"x","permissions":["read:events"],"expiresAt":"2020-01-01T00:00:00Z"}""", "must be in the future")]
    [InlineData("""{"name":"x","permissions":["read:events"],"kind":"EventWrite"}""", "source connection")]
    [InlineData("""{"name":""", "not valid")]
    public async Task Bad_create_requests_are_400_with_a_code_and_what_to_write(string json, string expected)
    {
        var response = await _admin.PostAsync("/auth/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.AssertRefusal(400, "INVALID_REQUEST");
        Assert.Contains(expected, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Write_permission_on_a_scope_only_read_is_used_on_is_accepted()
    {
        // write:events implies read:events, so it is meaningful even where only reads are declared.
        var (_, secret, _) = await Create(new { name = "w", permissions = new[] { "write:events" } });
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/v1/events")).StatusCode);
    }

    [Fact]
    public async Task Unknown_id_is_404_NOT_FOUND()
    {
        await (await _admin.GetAsync("/auth/keys/key_nope")).AssertRefusal(404, "NOT_FOUND");
        await (await _admin.PostAsync("/auth/keys/key_nope/revoke", null)).AssertRefusal(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Revoke_through_the_api_refuses_the_key_with_KEY_REVOKED()
    {
        var (id, secret, _) = await Create(new { name = "r", permissions = new[] { "read:events" } });
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(secret).GetAsync("/v1/events")).StatusCode);
        var revoked = JsonDocument.Parse(await (await _admin.PostAsync($"/auth/keys/{id}/revoke", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        await (await _app.Client(secret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
    }

    [Fact]
    public async Task Rotate_without_grace_refuses_the_old_key_at_once()
    {
        var (id, oldSecret, _) = await Create(new { name = "svc", permissions = new[] { "read:events" } });
        var rotated = await _admin.PostAsync($"/auth/keys/{id}/rotate", null);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var json = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement;
        var newSecret = json.GetProperty("secret").GetString()!;
        Assert.Equal(id, json.GetProperty("key").GetProperty("rotatedFromId").GetString());

        await (await _app.Client(oldSecret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(newSecret).GetAsync("/v1/events")).StatusCode);
    }

    [Fact]
    public async Task Rotate_with_grace_keeps_the_old_key_until_the_grace_ends()
    {
        var (id, oldSecret, _) = await Create(new { name = "svc", permissions = new[] { "read:events" } });
        var rotated = await _admin.PostAsJsonAsync($"/auth/keys/{id}/rotate", new { graceSeconds = 600 });
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(oldSecret).GetAsync("/v1/events")).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(oldSecret).GetAsync("/v1/events")).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        await (await _app.Client(oldSecret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
    }

    [Fact]
    public async Task Grace_never_outlives_the_old_keys_expiry_and_the_new_key_inherits_it()
    {
        var expiry = TestApp.Start.AddMinutes(5);
        var (id, oldSecret, _) = await Create(new { name = "svc", permissions = new[] { "read:events" }, expiresAt = expiry });
        var rotated = JsonDocument.Parse(await (await _admin.PostAsJsonAsync($"/auth/keys/{id}/rotate", new { graceSeconds = 3600 })).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expiry, rotated.GetProperty("key").GetProperty("expiresAt").GetDateTimeOffset());
        var old = await _app.Keys.GetAsync(id);
        Assert.Equal(expiry, old!.RevokedAt);

        _app.Time.Advance(TimeSpan.FromMinutes(5));
        var refused = await (await _app.Client(oldSecret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
        Assert.NotNull(refused.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Rotating_a_revoked_key_is_409_CONFLICT()
    {
        var (id, _, _) = await Create(new { name = "svc", permissions = new[] { "read:events" } });
        await _admin.PostAsync($"/auth/keys/{id}/revoke", null);
        await (await _admin.PostAsync($"/auth/keys/{id}/rotate", null)).AssertRefusal(409, "CONFLICT");
    }

    [Fact]
    public async Task Expire_now_refuses_the_key_with_KEY_EXPIRED()
    {
        var (id, secret, _) = await Create(new { name = "e", permissions = new[] { "read:events" } });
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync($"/auth/keys/{id}/expire", null)).StatusCode);
        await (await _app.Client(secret).GetAsync("/v1/events")).AssertRefusal(401, "KEY_EXPIRED");
    }
}
