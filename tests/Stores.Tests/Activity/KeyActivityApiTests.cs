using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Stores.Tests.Activity;

/// <summary>The management API's audit and usage views, end to end: Kestrel, the SQLite store, a fake clock.</summary>
public sealed class KeyActivityApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-activity-api-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _admin = "", _adminId = "", _reader = "", _readerId = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = "act";
            o.KeyEnvironment = KeyEnvironment.Test;
            o.RateLimits.RequestsPerMinute = 5;
        }).UseSqliteStore(Path.Combine(_dir, "keys.db"));
        _app = builder.Build();
        _app.UseDeclarativeAuth();
        _app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "ok");
        _app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "ok");
        _app.MapApiKeyManagement();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        var keys = _app.Services.GetRequiredService<ApiKeyService>();
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "admin", Permissions = ["admin"] });
        var reader = await keys.CreateAsync(new CreateApiKeyRequest { Name = "reader", Permissions = ["read:events"] });
        (_admin, _adminId, _reader, _readerId) = (admin.Secret, admin.Key.Id, reader.Secret, reader.Key.Id);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> Json(HttpMethod method, string path, string? key, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Send(method, path, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Operations_through_the_api_name_the_admin_key_and_the_code_is_app_code()
    {
        using (var revoke = await Send(HttpMethod.Post, $"/auth/keys/{_readerId}/revoke", _admin))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var entries = await Json(HttpMethod.Get, $"/auth/keys/{_readerId}/audit", _admin);

        Assert.Equal(2, entries.GetArrayLength());
        Assert.Equal("revoke", entries[0].GetProperty("action").GetString());
        Assert.Equal(_adminId, entries[0].GetProperty("actor").GetString());
        Assert.Equal("revoked: never → 2026-11-30T08:00:00Z", entries[0].GetProperty("change").GetString());
        Assert.Equal("code", entries[1].GetProperty("actor").GetString()); // created by ApiKeyService in the test's setup
        Assert.DoesNotContain(_reader, entries.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_management_calls_are_recorded_as_denied_with_who_and_why()
    {
        (await Send(HttpMethod.Post, $"/auth/keys/{_adminId}/revoke", null)).Dispose();               // 401: no key
        (await Send(HttpMethod.Post, $"/auth/keys/{_adminId}/revoke", _reader)).Dispose();            // 403: not admin
        (await Send(HttpMethod.Post, "/auth/keys/", _admin, new { name = "" })).Dispose();             // 400: bad body
        (await Send(HttpMethod.Post, "/auth/keys/key_%0Anope/expire", _admin)).Dispose();             // 404, hostile id

        var denied = (await Json(HttpMethod.Get, "/auth/keys/audit?limit=50", _admin)).EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "denied").Reverse().ToList();

        Assert.Equal(4, denied.Count);
        Assert.Equal(["anonymous", _readerId, _adminId, _adminId], denied.Select(e => e.GetProperty("actor").GetString()));
        Assert.Equal("401 UNAUTHORIZED: POST /auth/keys/{id}/revoke", denied[0].GetProperty("change").GetString());
        Assert.Equal(_adminId, denied[0].GetProperty("keyId").GetString());
        Assert.StartsWith("403 FORBIDDEN", denied[1].GetProperty("change").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("400 INVALID_REQUEST", denied[2].GetProperty("change").GetString(), StringComparison.Ordinal);
        Assert.Equal("key_\uFFFDnope", denied[3].GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task Usage_shows_requests_and_refusals_by_code_per_minute_after_a_flush()
    {
        for (var i = 0; i < 7; i++)
            (await Send(HttpMethod.Get, "/v1/events", _reader)).Dispose(); // 5 pass, 2 over the limit
        (await Send(HttpMethod.Post, "/v1/events", _reader)).Dispose();    // over the limit too (the limit is checked first)
        _time.Advance(TimeSpan.FromMinutes(1));
        (await Send(HttpMethod.Post, "/v1/events", _reader)).Dispose();    // 403: read key on a write endpoint
        await _app.Services.GetRequiredService<KeyUsageRecorder>().FlushAsync(CancellationToken.None);

        var usage = await Json(HttpMethod.Get, $"/auth/keys/{_readerId}/usage", _admin);

        Assert.Equal(9, usage.GetProperty("requests").GetInt64());
        Assert.Equal(3, usage.GetProperty("refusals").GetProperty("RATE_LIMITED").GetInt64());
        Assert.Equal(1, usage.GetProperty("refusals").GetProperty("FORBIDDEN").GetInt64());
        var point = Assert.Single(usage.GetProperty("points").EnumerateArray()); // one flush: one minute
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 1, 0, TimeSpan.Zero), point.GetProperty("start").GetDateTimeOffset());
        Assert.Equal("minute", usage.GetProperty("span").GetString());
        var hours = await Json(HttpMethod.Get, $"/auth/keys/{_readerId}/usage?span=hour", _admin);
        Assert.Equal(9, hours.GetProperty("requests").GetInt64());
    }

    [Theory]
    [InlineData("/auth/keys/audit?since=yesterday", "since")]
    [InlineData("/auth/keys/audit?limit=0", "limit")]
    [InlineData("/auth/keys/audit?limit=99999999999", "limit")]
    [InlineData("/auth/keys/{reader}/usage?span=week", "span")]
    [InlineData("/auth/keys/{reader}/usage?hours=25", "hours")]
    public async Task Bad_queries_are_400_naming_the_parameter(string path, string parameter)
    {
        var body = await Json(HttpMethod.Get, path.Replace("{reader}", _readerId, StringComparison.Ordinal), _admin, HttpStatusCode.BadRequest);

        Assert.Equal("INVALID_REQUEST", body.GetProperty("code").GetString());
        Assert.Contains(parameter, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_and_usage_are_admin_only_and_unknown_keys_are_404()
    {
        await Json(HttpMethod.Get, "/auth/keys/audit", _reader, HttpStatusCode.Forbidden);
        await Json(HttpMethod.Get, $"/auth/keys/{_readerId}/usage", null, HttpStatusCode.Unauthorized);
        await Json(HttpMethod.Get, "/auth/keys/key_00000000000000000000/audit", _admin, HttpStatusCode.NotFound);
        await Json(HttpMethod.Get, "/auth/keys/key_00000000000000000000/usage", _admin, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_restricted_to_a_workspace_sees_only_its_workspace_entries()
    {
        var keys = _app.Services.GetRequiredService<ApiKeyService>();
        var scoped = await keys.CreateAsync(new CreateApiKeyRequest { Name = "ws-admin", Permissions = ["admin"], Workspace = "ws1" });

        var entries = await Json(HttpMethod.Get, "/auth/keys/audit", scoped.Secret);
        await Json(HttpMethod.Get, $"/auth/keys/{_readerId}/audit", scoped.Secret, HttpStatusCode.NotFound);

        Assert.Equal([scoped.Key.Id], entries.EnumerateArray().Select(e => e.GetProperty("keyId").GetString()));
    }
}
