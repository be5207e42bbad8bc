using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Krenalis event write keys: ingestion endpoints only, with CORS for browsers.</summary>
public sealed class EventWriteKeyTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(app =>
    {
        app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext c) =>
            Results.Accepted(value: c.Features.Get<IApiKeyFeature>()!.Key.SourceConnection ?? "api-key"));
        app.MapPost("/v1/batch", (HttpContext c) => Results.Accepted()).AcceptEventWriteKeys();
        app.MapGet("/v1/connections", [RequiresKey(KeyType.Read, Scope = "events")] () => "connections");
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> EventWriteKey(string source = "src_js")
        => (await _app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "js-sdk", Kind = ApiKeyKind.EventWrite, SourceConnection = source })).Secret;

    [Fact]
    public async Task Event_write_key_on_an_ingestion_endpoint_is_202_and_the_handler_knows_its_source()
    {
        var response = await _app.Client(await EventWriteKey("src_js")).PostAsync("/v1/events", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("src_js", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Client(await EventWriteKey()).PostAsync("/v1/batch", null)).StatusCode);
    }

    [Fact]
    public async Task Event_write_key_anywhere_else_is_403()
    {
        var body = await (await _app.Client(await EventWriteKey()).GetAsync("/v1/connections")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("event ingestion endpoints", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_key_with_the_declared_permission_may_ingest_too_and_one_without_may_not()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Client(_app.Key("write:events")).PostAsync("/v1/events", null)).StatusCode);
        await (await _app.Client(_app.Key("read:events")).PostAsync("/v1/events", null)).AssertRefusal(403, "FORBIDDEN");
        // an ingestion endpoint that declares no permission takes event write keys only
        await (await _app.Client(_app.Key("write:events")).PostAsync("/v1/batch", null)).AssertRefusal(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Cors_preflight_is_answered_on_ingestion_endpoints_without_a_key()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/events");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        var response = await _app.Client().SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Cors_actual_request_gets_the_allow_origin_header()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events");
        request.Headers.Add("Origin", "https://shop.example");
        var response = await _app.Client(await EventWriteKey()).SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Cors_preflight_elsewhere_is_not_allowed()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/connections");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var response = await _app.Client().SendAsync(preflight);
        Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Allowed_origins_can_be_restricted()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapPost("/v1/events", [EventIngestion] () => Results.Accepted()),
            o => o.EventIngestion.AllowedOrigins.Add("https://allowed.example"));
        async Task<bool> Allowed(string origin)
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/events");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            return (await app.Client().SendAsync(preflight)).Headers.Contains("Access-Control-Allow-Origin");
        }
        Assert.True(await Allowed("https://allowed.example"));
        Assert.False(await Allowed("https://evil.example"));
    }
}
