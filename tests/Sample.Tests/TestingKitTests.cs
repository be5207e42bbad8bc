using System.Net;
using System.Text.Json;
using Declarative.Auth.Generated;
using Declarative.Auth.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Declarative.Auth.Sample.Tests;

/// <summary>Declarative.Auth.Testing's key helpers on the sample: real keys, minted in the swapped-in store.</summary>
public sealed class TestingKitTests(SampleFactory sample) : IClassFixture<SampleFactory>
{
    private readonly WebApplicationFactory<Program> _app = sample.WithDeclarativeAuth();

    private static async Task<string?> CodeOf(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

    [Fact]
    public async Task The_apps_SQLite_store_is_replaced_by_the_in_memory_one_and_its_clock_by_a_fake()
    {
        var client = _app.CreateClient().WithKey("read:monitors");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        Assert.IsType<InMemoryApiKeyStore>(_app.Services.GetRequiredService<IApiKeyStore>());
        Assert.False(File.Exists(sample.KeysDb), "the app's SQLite file was created: the store was not swapped");
        Assert.IsType<FakeTimeProvider>(_app.Services.GetRequiredService<TimeProvider>());
        Assert.Same(_app, sample.WithDeclarativeAuth()); // one host per factory, however many tests ask
    }

    [Fact]
    public async Task WithKey_sends_a_real_key_of_the_apps_format_holding_what_was_asked()
    {
        var client = _app.CreateClient().WithKey("read:monitors");
        Assert.StartsWith("sample_test_", client.DefaultRequestHeaders.Authorization!.Parameter);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        var write = await client.PostAsync("/api/monitors", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("FORBIDDEN", await CodeOf(write));
    }

    [Fact]
    public async Task WithKey_takes_the_generated_permission_constants()
    {
        var client = _app.CreateClient().WithKey(Permissions.ReadReports);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/monitors")).StatusCode);
    }

    [Fact]
    public async Task A_workspace_key_is_refused_when_the_request_names_another_workspace()
    {
        var client = _app.CreateClient().WithKey(k => k.Permissions("read:monitors").Workspace("ws_1"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/monitors");
        other.Headers.Add("Workspace", "ws_2");
        var refused = await client.SendAsync(other);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("FORBIDDEN", await CodeOf(refused));
    }

    [Fact]
    public async Task WithoutKey_WithRevokedKey_and_WithExpiredKey_get_their_401_codes()
    {
        var client = _app.CreateClient().WithKey("read:monitors").WithoutKey();
        var none = await client.GetAsync("/api/monitors");
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHORIZED"), (none.StatusCode, await CodeOf(none)));

        var revoked = await _app.CreateClient().WithRevokedKey("read:monitors").GetAsync("/api/monitors");
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), (revoked.StatusCode, await CodeOf(revoked)));

        var expired = await _app.CreateClient().WithExpiredKey().GetAsync("/api/monitors");
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_EXPIRED"), (expired.StatusCode, await CodeOf(expired)));
    }

    [Fact]
    public async Task A_key_expires_when_the_test_moves_the_kits_clock_not_the_wall_clock()
    {
        var clock = _app.Services.GetRequiredService<FakeTimeProvider>();
        var created = await _app.Services.GetRequiredService<ApiKeyService>().CreateAsync(new CreateApiKeyRequest
        {
            Name = "hour", Permissions = ["read:monitors"], ExpiresAt = clock.GetUtcNow().AddHours(1),
        });
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        clock.Advance(TimeSpan.FromHours(1));
        var expired = await client.GetAsync("/api/monitors");
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_EXPIRED"), (expired.StatusCode, await CodeOf(expired)));
    }

    [Fact]
    public async Task An_event_write_key_is_refused_outside_event_ingestion()
    {
        var refused = await _app.CreateClient().WithKey(k => k.EventWrite()).GetAsync("/api/monitors");
        Assert.Equal((HttpStatusCode.Forbidden, "FORBIDDEN"), (refused.StatusCode, await CodeOf(refused)));
    }

    [Fact]
    public void A_key_the_app_cannot_hold_is_a_clear_error_not_a_silent_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _app.CreateClient().WithKey("read:nonsense"));
        Assert.Contains("read:nonsense", error.Message);
        Assert.Contains("known scopes", error.Message);
    }

    [Fact]
    public void A_client_of_an_app_without_the_kit_is_told_where_keys_come_from()
    {
        var error = Assert.Throws<InvalidOperationException>(() => sample.CreateClient().WithKey("read:monitors"));
        Assert.Contains("WithDeclarativeAuth()", error.Message);
    }
}
