using System.Net;
using System.Text.Json;
using Declarative.Auth.Seeds.Apps;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>The FloKit authentication page, replayed against <c>samples/Seeds -- flokit</c>.</summary>
public sealed class FloKitTests(FloKitFactory flokit) : IClassFixture<FloKitFactory>
{
    private const string Unauthorized = """{"error":"unauthorized","message":"Invalid or missing API key"}""";
    private const string Forbidden = """{"error":"forbidden","message":"This operation requires a read-write key"}""";

    private async Task<string> Key(string type, string workspace = "ws_acme")
    {
        _ = flokit.Server;
        return (await FloKitApp.CreateKeyAsync(flokit.Keys, $"{type} key", type, workspace)).Secret;
    }

    private static async Task AssertBody(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: curl -H \"Authorization: Bearer $FLOKIT_API_KEY\" https://api.flokit.ai/v1/workspace")]
    public async Task Example()
    {
        var response = await flokit.Client(await Key("read-only")).GetAsync("/v1/workspace");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var workspace = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        Assert.Equal("ws_acme", workspace.GetProperty("id").GetString());
        Assert.Equal("test", workspace.GetProperty("environment").GetString());
    }

    [Fact(DisplayName = "FloKit: 401 Unauthorized {\"error\":\"unauthorized\",\"message\":\"Invalid or missing API key\"} (missing)")]
    public async Task Unauthorized_missing_key()
        => await AssertBody(await flokit.Client().GetAsync("/v1/workspace"), HttpStatusCode.Unauthorized, Unauthorized);

    [Fact(DisplayName = "FloKit: 401 Unauthorized {\"error\":\"unauthorized\",\"message\":\"Invalid or missing API key\"} (invalid)")]
    public async Task Unauthorized_invalid_key()
    {
        await AssertBody(await flokit.Client(flokit.Keys.Format.Generate()).GetAsync("/v1/workspace"), HttpStatusCode.Unauthorized, Unauthorized);
        await AssertBody(await flokit.Client("not-a-flokit-key").GetAsync("/v1/reports"), HttpStatusCode.Unauthorized, Unauthorized);
    }

    [Fact(DisplayName = "FloKit: 403 Forbidden {\"error\":\"forbidden\",\"message\":\"This operation requires a read-write key\"} (a read-only key attempting to send events)")]
    public async Task Forbidden_read_only_key_sending_events()
        => await AssertBody(await flokit.Client(await Key("read-only")).PostAsync("/v1/events", null), HttpStatusCode.Forbidden, Forbidden);

    [Theory(DisplayName = "FloKit: Key types, Read-only: access reports, inspect events, list integrations")]
    [InlineData("/v1/reports")]
    [InlineData("/v1/events")]
    [InlineData("/v1/integrations")]
    [InlineData("/v1/actions")]
    public async Task Read_only_key_reads(string path)
    {
        Assert.Equal(HttpStatusCode.OK, (await flokit.Client(await Key("read-only")).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await flokit.Client(await Key("read-write")).GetAsync(path)).StatusCode);
    }

    [Theory(DisplayName = "FloKit: Key types, Read-write: send events, trigger syncs, approve and reject actions")]
    [InlineData("/v1/events", HttpStatusCode.Accepted)]
    [InlineData("/v1/integrations/int_hubspot/sync", HttpStatusCode.Accepted)]
    [InlineData("/v1/actions/act_1/approve", HttpStatusCode.OK)]
    [InlineData("/v1/actions/act_1/reject", HttpStatusCode.OK)]
    public async Task Writes_need_a_read_write_key(string path, HttpStatusCode success)
    {
        Assert.Equal(success, (await flokit.Client(await Key("read-write")).PostAsync(path, null)).StatusCode);
        await AssertBody(await flokit.Client(await Key("read-only")).PostAsync(path, null), HttpStatusCode.Forbidden, Forbidden);
    }

    [Fact(DisplayName = "FloKit: Keys are workspace-scoped")]
    public async Task Keys_are_workspace_scoped()
    {
        var other = await flokit.Client(await Key("read-write", "ws_globex")).GetAsync("/v1/reports");
        Assert.Contains("\"workspace\":\"ws_globex\"", await other.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: After rotation, the previous key is immediately invalidated")]
    public async Task Rotation_invalidates_the_previous_key()
    {
        _ = flokit.Server;
        var old = await FloKitApp.CreateKeyAsync(flokit.Keys, "server", "read-write", "ws_acme");
        Assert.Equal(HttpStatusCode.OK, (await flokit.Client(old.Secret).GetAsync("/v1/workspace")).StatusCode);
        var rotated = await flokit.Keys.RotateAsync(old.Key.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await flokit.Client(old.Secret).GetAsync("/v1/workspace")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await flokit.Client(rotated.Secret).GetAsync("/v1/workspace")).StatusCode);
    }
}

/// <summary>"Use separate keys per environment (production vs. staging)": live and test keys never cross.</summary>
public sealed class FloKitEnvironmentTests : IAsyncLifetime
{
    private readonly FloKitLiveFactory _live = new();
    private readonly FloKitFactory _test = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await _test.DisposeAsync();
    }

    [Fact(DisplayName = "FloKit: Use separate keys per environment, a test key is refused by the live app")]
    public async Task Test_key_refused_by_the_live_app()
    {
        _ = _test.Server;
        var testKey = (await FloKitApp.CreateKeyAsync(_test.Keys, "staging", "read-write", "ws_acme")).Secret;
        Assert.StartsWith("flokit_test_", testKey);
        Assert.Equal(HttpStatusCode.OK, (await _test.Client(testKey).GetAsync("/v1/workspace")).StatusCode);

        var refused = await _live.Client(testKey).GetAsync("/v1/workspace");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("""{"error":"unauthorized","message":"Invalid or missing API key"}""", await refused.BodyAsync());
    }

    [Fact(DisplayName = "FloKit: Use separate keys per environment, a live key is refused by the test app")]
    public async Task Live_key_refused_by_the_test_app()
    {
        _ = _live.Server;
        var liveKey = (await FloKitApp.CreateKeyAsync(_live.Keys, "production", "read-write", "ws_acme")).Secret;
        Assert.StartsWith("flokit_live_", liveKey);
        Assert.Equal(HttpStatusCode.OK, (await _live.Client(liveKey).GetAsync("/v1/workspace")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _test.Client(liveKey).GetAsync("/v1/workspace")).StatusCode);
    }
}
