using System.Net;
using System.Net.Http.Json;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>The Kener authentication page, replayed against <c>samples/Seeds -- kener</c>.</summary>
public sealed class KenerTests(KenerFactory kener) : IClassFixture<KenerFactory>
{
    private const string InvalidKeyBody = """{"success":false,"error":{"code":"UNAUTHORIZED","message":"Invalid API key provided"}}""";

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($$"""{"success":false,"error":{"code":"{{code}}","message":""", await response.BodyAsync());
    }

    [Fact(DisplayName = "Kener: a 403 FORBIDDEN carries X-RateLimit-* too, like every authenticated response (issue 18.3)")]
    public async Task Forbidden_carries_the_rate_limit_headers()
    {
        var response = await kener.Client(await kener.KeyAsync("read:monitors")).DeleteAsync("/api/monitors/api");
        await AssertError(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("100", response.Header("X-RateLimit-Limit"));
        Assert.True(int.TryParse(response.Header("X-RateLimit-Remaining"), out _));
        Assert.True(long.TryParse(response.Header("X-RateLimit-Reset"), out _));
    }

    [Fact(DisplayName = "Kener: curl -X GET https://your-kener.com/api/monitors -H \"Authorization: Bearer YOUR_API_KEY\"")]
    public async Task Using_api_keys()
    {
        var response = await kener.Client(await kener.KeyAsync("read:monitors")).GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("""{"success":true,"data":[{"tag":"api",""", await response.BodyAsync());
        Assert.Equal("100", response.Header("X-RateLimit-Limit"));
        Assert.Equal("99", response.Header("X-RateLimit-Remaining"));
        Assert.True(long.TryParse(response.Header("X-RateLimit-Reset"), out _));
    }

    [Fact(DisplayName = "Kener: curl -X GET https://your-kener.com/api/me -H \"Authorization: Bearer YOUR_API_KEY\"")]
    public async Task Testing_authentication()
    {
        await using var fresh = new KenerFactory(); // its clock still reads 2024-01-01T00:00:00Z, as on the page
        var key = await fresh.KeyAsync(new CreateApiKeyRequest { Name = "my-api-key", Permissions = ["read:monitors", "write:incidents"] });
        var response = await fresh.Client(key).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"success":true,"data":{"key_name":"my-api-key","permissions":["read:monitors","write:incidents"],"created_at":"2024-01-01T00:00:00Z"}}""",
            await response.BodyAsync());
    }

    [Fact(DisplayName = "Kener: Error Response Example {\"success\":false,\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"Invalid API key provided\"}}")]
    public async Task Error_response_example()
    {
        var neverIssued = kener.Keys.Format.Generate();
        var response = await kener.Client(neverIssued).GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(InvalidKeyBody, await response.BodyAsync());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact(DisplayName = "Kener: Error Codes UNAUTHORIZED 401 (missing), FORBIDDEN 403, KEY_REVOKED 401")]
    public async Task Error_codes()
    {
        await AssertError(await kener.Client().GetAsync("/api/monitors"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var reader = await kener.KeyAsync("read:monitors");
        await AssertError(await kener.Client(reader).DeleteAsync("/api/monitors/api"), HttpStatusCode.Forbidden, "FORBIDDEN");

        var created = await kener.Keys.CreateAsync(new CreateApiKeyRequest { Name = "compromised", Permissions = ["read:monitors"] });
        await kener.Keys.RevokeAsync(created.Key.Id);
        await AssertError(await kener.Client(created.Secret).GetAsync("/api/monitors"), HttpStatusCode.Unauthorized, "KEY_REVOKED");
    }

    [Fact(DisplayName = "Kener: Error Codes KEY_EXPIRED 401 (Expiry: optional expiration date)")]
    public async Task Expired_key()
    {
        await using var fresh = new KenerFactory();
        var key = await fresh.KeyAsync(new CreateApiKeyRequest { Name = "temp", Permissions = ["read:monitors"], ExpiresAt = SeedFactory.Start.AddDays(1) });
        var client = fresh.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        fresh.Clock.Advance(TimeSpan.FromDays(1));
        await AssertError(await client.GetAsync("/api/monitors"), HttpStatusCode.Unauthorized, "KEY_EXPIRED");
    }

    [Theory(DisplayName = "Kener: Key Permissions table")]
    [InlineData("read:monitors", "GET", "/api/monitors", 200)]
    [InlineData("read:monitors", "POST", "/api/monitors", 403)]
    [InlineData("read:monitors", "DELETE", "/api/monitors/api", 403)]
    [InlineData("write:monitors", "POST", "/api/monitors", 201)]
    [InlineData("write:monitors", "PATCH", "/api/monitors/api", 200)]
    [InlineData("write:monitors", "GET", "/api/monitors", 200)]
    [InlineData("write:monitors", "DELETE", "/api/monitors/api", 403)]
    [InlineData("delete:monitors", "DELETE", "/api/monitors/api", 200)]
    [InlineData("read:incidents", "GET", "/api/incidents", 200)]
    [InlineData("read:incidents", "POST", "/api/incidents", 403)]
    [InlineData("read:incidents", "GET", "/api/monitors", 403)]
    [InlineData("write:incidents", "POST", "/api/incidents", 201)]
    [InlineData("admin", "DELETE", "/api/monitors/api", 200)]
    [InlineData("admin", "POST", "/api/incidents", 201)]
    public async Task Key_permissions(string permission, string method, string path, int status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH")
            request.Content = JsonContent.Create(new { tag = "api", id = "inc_2", name = "API", title = "Outage", url = "https://x", status = "UP", state = "OPEN" });
        var response = await kener.Client(await kener.KeyAsync(permission)).SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact(DisplayName = "Kener: Use Minimal Permissions {\"name\":\"monitoring-service\",\"permissions\":[\"read:monitors\",\"write:incidents\"]}")]
    public async Task Creating_a_key_with_minimal_permissions()
    {
        var admin = kener.Client(await kener.KeyAsync("admin"));
        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "monitoring-service", permissions = new[] { "read:monitors", "write:incidents" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = System.Text.Json.JsonDocument.Parse(await created.BodyAsync()).RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("kener_test_", secret);
        var service = kener.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/api/monitors")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.PostAsJsonAsync("/api/monitors", new { tag = "x", name = "x", url = "x", status = "UP" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync("/api/keys")).StatusCode);
    }

    // "X-RateLimit-Limit: 100, X-RateLimit-Remaining: 95, X-RateLimit-Reset: <unix seconds>", and 100 a minute.
    [Fact(DisplayName = "Kener: Rate Limiting, Default 100 requests per minute, X-RateLimit-Limit: 100 / X-RateLimit-Remaining: 95 / X-RateLimit-Reset")]
    public async Task Rate_limiting()
    {
        await using var fresh = new KenerFactory();
        var client = fresh.Client(await fresh.KeyAsync("read:monitors"));
        var reset = SeedFactory.Start.AddMinutes(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        HttpResponseMessage response = null!;
        for (var i = 1; i <= 5; i++)
            response = await client.GetAsync("/api/monitors");
        Assert.Equal("100", response.Header("X-RateLimit-Limit"));
        Assert.Equal("95", response.Header("X-RateLimit-Remaining"));
        Assert.Equal(reset, response.Header("X-RateLimit-Reset"));

        for (var i = 6; i <= 100; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        fresh.Clock.Advance(TimeSpan.FromSeconds(40));
        var limited = await client.GetAsync("/api/monitors");
        await AssertError(limited, HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal("20", limited.Header("Retry-After"));
        Assert.Equal("0", limited.Header("X-RateLimit-Remaining"));

        fresh.Clock.Advance(TimeSpan.FromSeconds(20));
        var next = await client.GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("99", next.Header("X-RateLimit-Remaining"));
    }
}
