using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// Several named limits per key (per minute and per day), a per-endpoint cost, the IETF RateLimit-Policy/RateLimit
/// headers beside X-RateLimit-*, and a 429 that names the limit it hit.
/// </summary>
public sealed class NamedRateLimitTests
{
    private static Task<TestApp> Start(Action<DeclarativeAuthOptions>? configure = null) => TestApp.StartAsync(a =>
    {
        a.MapGet("/cheap", [RequiresKey(KeyType.Read, Scope = "events")] () => "c");
        a.MapGet("/export", [RequiresKey(KeyType.Read, Scope = "events")] [KeyRateLimitCost(4)] () => "e");
    }, o =>
    {
        o.RateLimits.RequestsPerMinute = 10;
        o.RateLimits.Windows.Add(new KeyRateLimitWindow { Name = "day", Limit = 12, Window = TimeSpan.FromDays(1) });
        configure?.Invoke(o);
    });

    private static string Header(HttpResponseMessage response, string name) => string.Join(", ", response.Headers.GetValues(name));

    [Fact]
    public async Task Both_header_kinds_describe_every_named_limit()
    {
        await using var app = await Start();
        var response = await app.Client(app.Key("read:events")).GetAsync("/cheap");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("\"minute\";q=10;w=60, \"day\";q=12;w=86400", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"minute\";r=9;t=60, \"day\";r=11;t=86400", Header(response, "RateLimit"));
        // X-RateLimit-* follows the limit closest to running out: the minute (9 left of 10) before the day (11 of 12).
        Assert.Equal("10", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("9", Header(response, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task A_costly_endpoint_spends_its_cost_and_the_day_limit_refuses_naming_itself_across_minutes()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:events"));

        var first = await client.GetAsync("/export");
        Assert.Equal("\"minute\";r=6;t=60, \"day\";r=8;t=86400", Header(first, "RateLimit"));
        Assert.Equal(200, (int)(await client.GetAsync("/export")).StatusCode);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var third = await client.GetAsync("/export");
        Assert.Equal("\"minute\";r=6;t=60, \"day\";r=0;t=86280", Header(third, "RateLimit"));
        Assert.Equal(200, (int)third.StatusCode);

        var refused = await client.GetAsync("/cheap");
        var body = await refused.AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("Rate limit 'day' of 12 requests per day exceeded for this API key. Retry after the time in Retry-After.", body.GetProperty("detail").GetString());
        Assert.Equal("86280", Header(refused, "Retry-After"));
        Assert.Equal("12", Header(refused, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task The_minute_limit_refuses_under_its_own_name()
    {
        await using var app = await Start(o => o.RateLimits.Windows.Clear());
        var client = app.Client(app.Key("read:events"));
        for (var i = 0; i < 10; i++)
            Assert.Equal(200, (int)(await client.GetAsync("/cheap")).StatusCode);

        var body = await (await client.GetAsync("/cheap")).AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("Rate limit 'minute' of 10 requests per minute exceeded for this API key. Retry after the time in Retry-After.", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(RateLimitHeaders.XRateLimit, true, false)]
    [InlineData(RateLimitHeaders.Standard, false, true)]
    [InlineData(RateLimitHeaders.None, false, false)]
    public async Task Each_header_kind_can_be_switched_off(RateLimitHeaders headers, bool legacy, bool standard)
    {
        await using var app = await Start(o => o.RateLimits.Headers = headers);
        var response = await app.Client(app.Key("read:events")).GetAsync("/cheap");

        Assert.Equal(legacy, response.Headers.Contains("X-RateLimit-Limit"));
        Assert.Equal(standard, response.Headers.Contains("RateLimit"));
        Assert.Equal(standard, response.Headers.Contains("RateLimit-Policy"));
    }

    [Theory]
    [InlineData("", 5, 60, "DeclarativeAuth:RateLimits:Windows:0:Name must be 1 to 32 letters")]
    [InlineData("minute", 5, 60, "DeclarativeAuth:RateLimits:Windows:0:Name 'minute' is already used by another limit")]
    [InlineData("day", 0, 60, "DeclarativeAuth:RateLimits:Windows:0:Limit must be at least 1; got 0.")]
    [InlineData("day", 5, 0, "DeclarativeAuth:RateLimits:Windows:0:Window must be whole seconds from 00:00:01 to 31.00:00:00")]
    public void A_bad_window_is_refused_naming_the_setting(string name, int limit, int seconds, string message)
    {
        var options = new DeclarativeAuthOptions();
        options.RateLimits.Windows.Add(new KeyRateLimitWindow { Name = name, Limit = limit, Window = TimeSpan.FromSeconds(seconds) });
        var result = new DeclarativeAuthOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }
}
