using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

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

    // ---- issue 16.11: unknown enum values --------------------------------------------------------------

    [Theory]
    [InlineData("99")]
    [InlineData("-1")]
    [InlineData("2")]
    public async Task An_unknown_kind_is_400_and_creates_nothing(string kind)
    {
        var before = (await _app.Keys.ListAsync()).Count;
        var json = $$"""{"name":"x","permissions":["read:events"],"kind":{{kind}},"sourceConnection":"src"}""";
        var response = await _admin.PostAsync("/auth/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.AssertRefusal(400, "INVALID_REQUEST");
        Assert.Contains("kind must be Standard or EventWrite", body.GetProperty("detail").GetString());
        Assert.Equal(before, (await _app.Keys.ListAsync()).Count);
    }

    // ---- issue 16.14: control and bidi characters ------------------------------------------------------

    [Theory]
    [InlineData("name", "admin\u202Egpj.exe")]
    [InlineData("name", "two\nlines")]
    [InlineData("name", "zero\u200Bwidth")]
    [InlineData("workspace", "ws_\u202Ea")]
    [InlineData("workspace", "ws\u2066a")]
    [InlineData("owner", "user\u202E1")]
    public async Task Control_and_bidi_characters_are_refused_naming_the_field(string field, string value)
    {
        var fields = new Dictionary<string, object> { ["name"] = "x", ["permissions"] = new[] { "read:events" } };
        fields[field] = value;
        var response = await _admin.PostAsJsonAsync("/auth/keys", fields);
        var detail = (await response.AssertRefusal(400, "INVALID_REQUEST")).GetProperty("detail").GetString()!;
        Assert.StartsWith(field, detail);
        Assert.Contains("U+", detail);
        Assert.DoesNotContain(await _app.Keys.ListAsync(), k => k.Name.Any(c => c > 0x7f || char.IsControl(c)));
    }

    [Fact]
    public async Task A_source_connection_with_a_bidi_override_is_refused()
    {
        var response = await _admin.PostAsJsonAsync("/auth/keys", new { name = "x", kind = "EventWrite", sourceConnection = "src\u202Eweb" });
        Assert.StartsWith("sourceConnection", (await response.AssertRefusal(400, "INVALID_REQUEST")).GetProperty("detail").GetString());
    }

    // ---- issue 15.5: owners ------------------------------------------------------------------------------

    [Fact]
    public async Task An_owner_given_at_creation_is_stored_and_shown_by_list_and_get()
    {
        var (id, _, body) = await Create(new { name = "mine", permissions = new[] { "read:events" }, owner = "user_42" });
        Assert.Equal("user_42", body.GetProperty("key").GetProperty("owner").GetString());
        Assert.Equal("user_42", (await _app.Keys.GetAsync(id))!.Owner);
        var one = JsonDocument.Parse(await _admin.GetStringAsync($"/auth/keys/{id}")).RootElement;
        Assert.Equal("user_42", one.GetProperty("owner").GetString());
        var listed = JsonDocument.Parse(await _admin.GetStringAsync("/auth/keys")).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal("user_42", listed.GetProperty("owner").GetString());

        var rotated = JsonDocument.Parse(await (await _admin.PostAsync($"/auth/keys/{id}/rotate", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("user_42", rotated.GetProperty("key").GetProperty("owner").GetString()); // a rotation acts for the same user
    }

    // ---- issue 16.3: restricted admins stay in their workspace ------------------------------------------

    private async Task<HttpClient> RestrictedAdmin(string workspace)
    {
        var created = await _app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "admin-" + workspace, Permissions = ["admin"], Workspace = workspace });
        return _app.Client(created.Secret);
    }

    [Fact]
    public async Task A_restricted_admin_cannot_create_an_unrestricted_key_or_one_for_another_workspace()
    {
        var wsA = await RestrictedAdmin("ws_a");
        var unrestricted = await wsA.PostAsJsonAsync("/auth/keys", new { name = "escape", permissions = new[] { "admin" } });
        var body = await unrestricted.AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("ws_a", body.GetProperty("detail").GetString());
        await (await wsA.PostAsJsonAsync("/auth/keys", new { name = "other", permissions = new[] { "admin" }, workspace = "ws_b" })).AssertRefusal(403, "FORBIDDEN");
        Assert.DoesNotContain(await _app.Keys.ListAsync(), k => k.Name is "escape" or "other");

        var own = await wsA.PostAsJsonAsync("/auth/keys", new { name = "own", permissions = new[] { "read:events" }, workspace = "ws_a" });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task A_restricted_admin_lists_gets_and_manages_only_its_workspaces_keys()
    {
        var (inB, inBSecret, _) = await Create(new { name = "b-reader", permissions = new[] { "read:events" }, workspace = "ws_b" });
        var (free, _, _) = await Create(new { name = "unrestricted", permissions = new[] { "read:events" } });
        var (inA, _, _) = await Create(new { name = "a-reader", permissions = new[] { "read:events" }, workspace = "ws_a" });
        var wsA = await RestrictedAdmin("ws_a");

        var listed = JsonDocument.Parse(await wsA.GetStringAsync("/auth/keys")).RootElement.EnumerateArray()
            .Select(k => k.GetProperty("workspace").GetString()).ToArray();
        Assert.NotEmpty(listed);
        Assert.All(listed, w => Assert.Equal("ws_a", w));
        Assert.Equal(HttpStatusCode.OK, (await wsA.GetAsync($"/auth/keys/{inA}")).StatusCode);

        foreach (var other in new[] { inB, free })
        {
            await (await wsA.GetAsync($"/auth/keys/{other}")).AssertRefusal(404, "NOT_FOUND");
            await (await wsA.PostAsync($"/auth/keys/{other}/revoke", null)).AssertRefusal(404, "NOT_FOUND");
            await (await wsA.PostAsync($"/auth/keys/{other}/rotate", null)).AssertRefusal(404, "NOT_FOUND");
            await (await wsA.PostAsync($"/auth/keys/{other}/expire", null)).AssertRefusal(404, "NOT_FOUND");
        }
        Assert.Null((await _app.Keys.GetAsync(inB))!.RevokedAt);
        Assert.Null((await _app.Keys.GetAsync(free))!.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(inBSecret).GetAsync("/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await wsA.PostAsync($"/auth/keys/{inA}/revoke", null)).StatusCode);
    }

    [Fact]
    public async Task The_same_workspace_rule_holds_for_code_through_ApiKeyService()
    {
        var scoped = _app.Keys.For("ws_a");
        var ex = await Assert.ThrowsAsync<ApiKeyOperationException>(() => scoped.CreateAsync(new CreateApiKeyRequest { Name = "x", Permissions = ["admin"] }));
        Assert.Equal("FORBIDDEN", ex.Code);
        var other = await _app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "b", Permissions = ["read:events"], Workspace = "ws_b" });
        Assert.Null(await scoped.GetAsync(other.Key.Id));
        Assert.Equal("NOT_FOUND", (await Assert.ThrowsAsync<ApiKeyOperationException>(() => scoped.RevokeAsync(other.Key.Id))).Code);
    }
}

/// <summary>Issue 16.10: the management API answers 503 when the store hangs, like the verifier.</summary>
public sealed class ManagementStoreTimeoutTests
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromMilliseconds(1234);

    [Theory]
    [InlineData("GET", "/auth/keys")]
    [InlineData("GET", "/auth/keys/key_x")]
    [InlineData("POST", "/auth/keys/key_x/revoke")]
    [InlineData("POST", "/auth/keys/key_x/expire")]
    [InlineData("POST", "/auth/keys")]
    public async Task A_hung_store_answers_503_once_the_store_timeout_runs_out(string method, string path)
    {
        var time = new StoreTimeoutFiresAtOnce(StoreTimeout);
        await using var app = await TestApp.StartAsync(
            a => a.MapApiKeyManagement(),
            o => o.StoreTimeout = StoreTimeout,
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                // Lookups (the verifier) answer; everything the management API asks hangs, like a stuck database.
                services.AddSingleton<IApiKeyStore>(sp => new HangingManagementStore(sp.GetRequiredService<InMemoryApiKeyStore>()));
            });
        using var client = app.Client(app.Key("admin"));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path == "/auth/keys" && method == "POST")
            request.Content = JsonContent.Create(new { name = "x", permissions = new[] { "admin" } });

        var response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(10));
        await response.AssertRefusal(503, "AUTH_UNAVAILABLE");
        Assert.Contains(StoreTimeout, time.DueTimes);
    }

    /// <summary>Fires a one-shot timer of exactly the store timeout at once (the test never waits on the clock).</summary>
    private sealed class StoreTimeoutFiresAtOnce(TimeSpan storeTimeout) : TimeProvider
    {
        public System.Collections.Concurrent.ConcurrentBag<TimeSpan> DueTimes { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            DueTimes.Add(dueTime);
            if (dueTime != storeTimeout || period != Timeout.InfiniteTimeSpan)
                return System.CreateTimer(callback, state, dueTime, period);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return System.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class HangingManagementStore(IApiKeyStore inner) : IApiKeyStore
    {
        private static Task<T> Never<T>() => new TaskCompletionSource<T>().Task;

        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default) => inner.FindAsync(hash, cancellationToken);
        public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) => Never<ApiKey?>();
        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => Never<IReadOnlyList<ApiKey>>();
        public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) => Never<bool>();
        public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => Never<bool>();
        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) => Never<bool>();
        public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default) => Never<bool>();
        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
