using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>
/// The CORS middleware UseDeclarativeAuth() places runs where CORS matters (a request with an Origin, an endpoint
/// with CORS metadata) and not on every same-origin API call, where it would open a DI scope per request.
/// </summary>
public sealed class CorsPipelineTests
{
    // CorsMiddleware marks each request with an endpoint it sees; EndpointMiddleware checks the mark.
    private static string Cors(HttpContext c) => c.Items.ContainsKey("__CorsMiddlewareWithEndpointInvoked") ? "cors" : "none";

    private static Task<TestApp> Start() => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/plain", [RequiresKey(KeyType.Read, Scope = "events")] (HttpContext c) => Cors(c));
            a.MapGet("/shared", [RequiresKey(KeyType.Read, Scope = "events")] (HttpContext c) => Cors(c)).RequireCors("partners");
            a.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext c) => Cors(c));
        },
        services: s => s.AddCors(o => o.AddPolicy("partners", p => p.WithOrigins("https://partner.example"))));

    [Fact]
    public async Task A_same_origin_call_skips_the_CORS_middleware()
    {
        await using var app = await Start();
        Assert.Equal("none", await app.Client(app.Key("read:events")).GetStringAsync("/plain"));
    }

    [Fact]
    public async Task Endpoints_with_CORS_metadata_see_it_with_or_without_an_Origin()
    {
        await using var app = await Start();
        Assert.Equal("cors", await app.Client(app.Key("read:events")).GetStringAsync("/shared"));
        var ingest = await app.Client(app.Key("write:events")).PostAsync("/v1/events", null);
        Assert.Equal("cors", await ingest.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cross_origin_call_gets_the_app_policy_answer()
    {
        await using var app = await Start();
        var request = new HttpRequestMessage(HttpMethod.Get, "/shared");
        request.Headers.Add("Origin", "https://partner.example");
        var response = await app.Client(app.Key("read:events")).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://partner.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("cors", await response.Content.ReadAsStringAsync());
    }
}
