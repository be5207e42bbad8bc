using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>The error bodies the seed pages document, reproduced byte for byte (compact JSON).</summary>
public sealed class ErrorShapeTests
{
    private static async Task<(string Body, string? ContentType, int Status)> Call(IAuthErrorWriter writer, Func<TestApp, string?> key, string method = "GET")
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
                a.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "e");
            },
            services: s => new DeclarativeAuthBuilder(s).UseErrorWriter(writer));
        var path = method == "GET" ? "/api/monitors" : "/v1/events";
        var response = await app.Client(key(app)).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, (int)response.StatusCode);
    }

    [Fact]
    public async Task Kener_envelope_for_an_invalid_key()
    {
        var (body, type, status) = await Call(new EnvelopeAuthErrorWriter(), app => app.Format.Generate());
        Assert.Equal(401, status);
        Assert.Equal("application/json", type);
        Assert.Equal("""{"success":false,"error":{"code":"UNAUTHORIZED","message":"Invalid API key provided"}}""", body);
    }

    private static readonly Dictionary<string, string> FloKitMessages = new()
    {
        [AuthErrorCodes.Unauthorized] = "Invalid or missing API key",
        [AuthErrorCodes.Forbidden] = "This operation requires a read-write key",
    };

    [Fact]
    public async Task FloKit_flat_shape_for_a_missing_key()
    {
        var (body, type, status) = await Call(new FlatAuthErrorWriter(FloKitMessages), _ => null);
        Assert.Equal(401, status);
        Assert.Equal("application/json", type);
        Assert.Equal("""{"error":"unauthorized","message":"Invalid or missing API key"}""", body);
    }

    [Fact]
    public async Task FloKit_flat_shape_for_a_read_only_key_sending_events()
    {
        var (body, _, status) = await Call(new FlatAuthErrorWriter(FloKitMessages), app => app.Key("read:events"), "POST");
        Assert.Equal(403, status);
        Assert.Equal("""{"error":"forbidden","message":"This operation requires a read-write key"}""", body);
    }
}
