using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Declarative.Auth.Seeds.Apps;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>Issue 18.5: a Kaneo key created with just a name gets the app's default permissions.</summary>
public sealed class KaneoDefaultPermissionsTests(KaneoFactory kaneo) : IClassFixture<KaneoFactory>
{
    [Fact(DisplayName = "Kaneo: Create API Key, You'll be prompted to provide a name (and nothing else)")]
    public async Task A_key_created_with_just_a_name_gets_the_default_permissions()
    {
        var settings = kaneo.Client(await kaneo.KeyAsync(new CreateApiKeyRequest { Name = "owner", Permissions = ["admin"] }));
        var response = await settings.PostAsJsonAsync("/api/api-keys", new { name = "Development Testing" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        Assert.Equal(KaneoApp.DefaultPermissions, created.GetProperty("key").GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

        // The console's Settings > API keys page knows it: no permission picked means these.
        var catalog = JsonDocument.Parse(await settings.GetStringAsync("/api/api-keys/catalog")).RootElement;
        Assert.Equal(KaneoApp.DefaultPermissions, catalog.GetProperty("defaultPermissions").EnumerateArray().Select(p => p.GetString()));

        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await kaneo.Client(secret).GetAsync("/api/task?workspaceId=ws_kaneo")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await kaneo.Client(secret).GetAsync("/api/api-keys")).StatusCode); // not admin
    }
}

/// <summary>Issue 18.6: Kener says its one message for every reason a key is not valid.</summary>
public sealed class KenerInvalidKeyMessageTests(KenerFactory kener) : IClassFixture<KenerFactory>
{
    private const string InvalidKeyBody = """{"success":false,"error":{"code":"UNAUTHORIZED","message":"Invalid API key provided"}}""";

    public static TheoryData<string> Reasons => ["mistyped", "wrong-prefix", "other-environment", "never-issued"];

    [Theory(DisplayName = "Kener: Error Response Example \"Invalid API key provided\" for every invalid key")]
    [MemberData(nameof(Reasons))]
    public async Task Every_invalid_key_gets_the_pages_message(string reason)
    {
        _ = kener.Server;
        var good = kener.Keys.Format.Generate();
        var key = reason switch
        {
            // One character changed: the checksum no longer matches.
            "mistyped" => good[..^8] + (good[^8] == 'a' ? 'b' : 'a') + good[^7..],
            "wrong-prefix" => new ApiKeyFormat("other", kener.Keys.Format.Environment).Generate().Replace("other_", "kenerx_", StringComparison.Ordinal),
            "other-environment" => new ApiKeyFormat("kener", kener.Keys.Format.Environment == KeyEnvironment.Test ? KeyEnvironment.Live : KeyEnvironment.Test).Generate(),
            _ => good,
        };
        var response = await kener.Client(key).GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(InvalidKeyBody, await response.BodyAsync());
    }
}

/// <summary>Issue 18.7 and 18.8: FloKit's documented bodies, its event endpoint, and keys that always have a workspace.</summary>
public sealed class FloKitDocumentedBehaviourTests(FloKitFactory flokit) : IClassFixture<FloKitFactory>
{
    private const string Unauthorized = """{"error":"unauthorized","message":"Invalid or missing API key"}""";
    private const string Forbidden = """{"error":"forbidden","message":"This operation requires a read-write key"}""";

    private async Task<CreatedApiKey> Key(string type)
    {
        _ = flokit.Server;
        return await FloKitApp.CreateKeyAsync(flokit.Keys, type + " key", type, "ws_acme");
    }

    [Fact(DisplayName = "FloKit: 401 Unauthorized, the one documented body for a revoked key too")]
    public async Task Revoked_key_gets_the_documented_body()
    {
        var key = await Key("read-write");
        await flokit.Keys.RevokeAsync(key.Key.Id);
        var response = await flokit.Client(key.Secret).GetAsync("/v1/workspace");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Unauthorized, await response.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: 401 Unauthorized, the one documented body for an expired key too")]
    public async Task Expired_key_gets_the_documented_body()
    {
        await using var fresh = new FloKitFactory();
        _ = fresh.Server;
        var key = await fresh.Keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = "temp", Permissions = FloKitApp.KeyTypes["read-only"], Workspace = "ws_acme", ExpiresAt = SeedFactory.Start.AddHours(1),
        });
        fresh.Clock.Advance(TimeSpan.FromHours(1));
        var response = await fresh.Client(key.Secret).GetAsync("/v1/workspace");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Unauthorized, await response.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: Read-write keys send events (POST /v1/events); a read-only key gets the documented 403")]
    public async Task Read_write_keys_send_events()
    {
        var writer = await Key("read-write");
        var sent = await flokit.Client(writer.Secret).PostAsJsonAsync("/v1/events", new { type = "lead.created" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Contains("\"workspace\":\"ws_acme\"", await sent.BodyAsync());

        var reader = await Key("read-only");
        var refused = await flokit.Client(reader.Secret).PostAsJsonAsync("/v1/events", new { type = "lead.created" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(Forbidden, await refused.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: Keys are workspace-scoped, a key without a workspace cannot be created")]
    public async Task A_key_without_a_workspace_cannot_be_created()
    {
        _ = flokit.Server;
        // Even an unrestricted admin key (say, made with the CLI) cannot make one.
        var admin = (await flokit.Keys.CreateAsync(new CreateApiKeyRequest { Name = "root", Permissions = ["admin"] })).Secret;
        var settings = flokit.Client(admin);
        var refused = await settings.PostAsJsonAsync(FloKitApp.KeysPath, new { name = "no-workspace", permissions = new[] { "read:reports" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("workspace", await refused.BodyAsync());
        Assert.DoesNotContain(await flokit.Keys.ListAsync(), k => k.Name == "no-workspace");

        var made = await settings.PostAsJsonAsync(FloKitApp.KeysPath, new { name = "scoped", permissions = new[] { "read:reports" }, workspace = "ws_acme" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        // The console says so before sending anything.
        var catalog = JsonDocument.Parse(await settings.GetStringAsync(FloKitApp.KeysPath + "/catalog")).RootElement;
        Assert.True(catalog.GetProperty("workspaceRequired").GetBoolean());
    }
}

/// <summary>Issue 18.9: Krenalis's event write keys API lists and revokes a source connection's keys, not only creates them.</summary>
public sealed class KrenalisEventWriteKeysApiTests(KrenalisFactory krenalis) : IClassFixture<KrenalisFactory>
{
    private async Task<HttpClient> ApiKey() => krenalis.Client(await krenalis.KeyAsync(new CreateApiKeyRequest
    {
        Name = "marketing", Permissions = ["write:connections"], Workspace = "ws_marketing",
    }));

    private static async Task<(string Id, string Secret)> Create(HttpClient client, string connection)
    {
        var response = await client.PostAsync($"/v1/connections/{connection}/event-write-keys", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    [Fact(DisplayName = "Krenalis: manage event write keys via the Event write keys API (list, revoke)")]
    public async Task List_and_revoke_a_connections_event_write_keys()
    {
        var client = await ApiKey();
        var (id, secret) = await Create(client, "src_javascript");
        var (otherId, _) = await Create(client, "src_webhook");

        var list = JsonDocument.Parse(await client.GetStringAsync("/v1/connections/src_javascript/event-write-keys")).RootElement;
        var ids = list.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToArray();
        Assert.Contains(id, ids);
        Assert.DoesNotContain(otherId, ids);
        Assert.DoesNotContain(secret, list.GetRawText());

        // Another connection's key is not this connection's to revoke.
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/v1/connections/src_javascript/event-write-keys/{otherId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await krenalis.Client(secret).PostAsync("/v1/events", null)).StatusCode);
        var revoked = await client.DeleteAsync($"/v1/connections/src_javascript/event-write-keys/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", JsonDocument.Parse(await revoked.BodyAsync()).RootElement.GetProperty("status").GetString());
        var refused = await krenalis.Client(secret).PostAsync("/v1/events", null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("KEY_REVOKED", await refused.BodyAsync());

        var after = JsonDocument.Parse(await client.GetStringAsync("/v1/connections/src_javascript/event-write-keys")).RootElement;
        Assert.Equal("revoked", after.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Listing_needs_a_read_connections_key_and_stays_in_the_keys_workspace()
    {
        var reader = krenalis.Client(await krenalis.KeyAsync(new CreateApiKeyRequest { Name = "events-only", Permissions = ["write:events"], Workspace = "ws_marketing" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/v1/connections/src_javascript/event-write-keys")).StatusCode);
        var client = await ApiKey();
        // src_android is ws_sales's: not found from ws_marketing.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/connections/src_android/event-write-keys")).StatusCode);
    }
}
