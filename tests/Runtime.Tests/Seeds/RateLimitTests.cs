using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Kener's rate limits, on a clock the test moves.</summary>
public sealed class RateLimitTests
{
    private static Task<TestApp> Start(Action<DeclarativeAuthOptions>? options = null) => TestApp.StartAsync(a =>
    {
        a.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
        a.MapGet("/api/cheap", [RequiresKey(KeyType.Read, Scope = "monitors")][KeyRateLimit(3)] () => "c");
    }, options);

    private static int Header(HttpResponseMessage r, string name) => int.Parse(r.Headers.GetValues(name).Single());

    [Fact]
    public async Task Headers_count_down_and_the_101st_request_in_a_minute_is_429_with_Retry_After()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:monitors"));
        var resetAt = TestApp.Start.AddMinutes(1).ToUnixTimeSeconds();
        for (var i = 1; i <= 100; i++)
        {
            var ok = await client.GetAsync("/api/monitors");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(100, Header(ok, "X-RateLimit-Limit"));
            Assert.Equal(100 - i, Header(ok, "X-RateLimit-Remaining"));
            Assert.Equal(resetAt, Header(ok, "X-RateLimit-Reset"));
        }
        app.Time.Advance(TimeSpan.FromSeconds(45));
        var limited = await client.GetAsync("/api/monitors");
        var body = await limited.AssertRefusal(429, "RATE_LIMITED");
        Assert.Contains("100 requests per minute", body.GetProperty("detail").GetString());
        Assert.Equal(15, int.Parse(limited.Headers.RetryAfter!.ToString()));
        Assert.Equal(0, Header(limited, "X-RateLimit-Remaining"));

        app.Time.Advance(TimeSpan.FromSeconds(15));
        var again = await client.GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(99, Header(again, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Keys_are_limited_separately()
    {
        await using var app = await Start(o => o.RateLimits.RequestsPerMinute = 2);
        var a = app.Client(app.Key("read:monitors"));
        var b = app.Client(app.Key("read:monitors"));
        await a.GetAsync("/api/monitors");
        await a.GetAsync("/api/monitors");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.GetAsync("/api/monitors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/monitors")).StatusCode);
    }

    [Fact]
    public async Task An_endpoint_can_set_its_own_limit_and_a_key_its_own()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:monitors"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(3, Header(await client.GetAsync("/api/cheap"), "X-RateLimit-Limit"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/cheap")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode); // separate budget

        var secret = app.Format.Generate();
        await app.Store.AddAsync(new ApiKey
        {
            Id = "key_limited", Name = "limited", Hash = KeyHash.Compute(secret), Permissions = ["read:monitors"], RateLimitPerMinute = 1000,
        });
        Assert.Equal(1000, Header(await app.Client(secret).GetAsync("/api/monitors"), "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Failed_attempts_from_one_address_are_limited_before_any_lookup()
    {
        await using var app = await Start(o => o.RateLimits.FailedAttemptsPerMinute = 5);
        var bad = app.Client(app.Format.Generate());
        for (var i = 0; i < 5; i++)
            await (await bad.GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
        var blocked = await bad.GetAsync("/api/monitors");
        await blocked.AssertRefusal(429, "RATE_LIMITED");
        Assert.NotNull(blocked.Headers.RetryAfter);
        // the guard holds even for a valid key from the same address until the window ends
        await (await app.Client(app.Key("read:monitors")).GetAsync("/api/monitors")).AssertRefusal(429, "RATE_LIMITED");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:monitors")).GetAsync("/api/monitors")).StatusCode);
    }
}
