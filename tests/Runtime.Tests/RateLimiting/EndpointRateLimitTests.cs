using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.RateLimiting;

/// <summary>
/// Several named limits per endpoint (issue 20.1): <c>POST /exports</c> allows 3 an hour and 5 a day per key on top of
/// the key's own limits; each request spends the endpoint's cost from every limit; a refused request spends nothing;
/// headers list every limit that applies and the 429 names the one hit.
/// </summary>
public sealed class EndpointRateLimitTests
{
    private static Task<TestApp> Start(Action<WebApplication>? more = null, Action<DeclarativeAuthOptions>? configure = null) => TestApp.StartAsync(a =>
    {
        a.MapGet("/cheap", [RequiresKey(KeyType.Read, Scope = "events")] () => "c");
        a.MapPost("/exports", [RequiresKey(KeyType.Read, Scope = "events")]
            [KeyRateLimitWindow("exports-hour", 3, "01:00:00")] [KeyRateLimitWindow("exports-day", 5, "1.00:00:00")] () => "e");
        more?.Invoke(a);
    }, o =>
    {
        o.RateLimits.RequestsPerMinute = 100;
        configure?.Invoke(o);
    });

    private static string Header(HttpResponseMessage response, string name) => string.Join(", ", response.Headers.GetValues(name));

    private static Task<HttpResponseMessage> Export(HttpClient client) => client.PostAsync("/exports", null);

    [Fact]
    public async Task Headers_list_every_limit_of_the_endpoint_and_X_RateLimit_the_most_constrained()
    {
        await using var app = await Start();
        var response = await Export(app.Client(app.Key("read:events")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("\"minute\";q=100;w=60, \"exports-hour\";q=3;w=3600, \"exports-day\";q=5;w=86400", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"minute\";r=99;t=60, \"exports-hour\";r=2;t=3600, \"exports-day\";r=4;t=86400", Header(response, "RateLimit"));
        Assert.Equal("3", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("2", Header(response, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task An_endpoint_without_limits_of_its_own_is_unaffected()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:events"));
        for (var i = 0; i < 3; i++)
            await Export(client);
        Assert.Equal(429, (int)(await Export(client)).StatusCode);

        var cheap = await client.GetAsync("/cheap");
        Assert.Equal(200, (int)cheap.StatusCode);
        Assert.Equal("\"minute\";q=100;w=60", Header(cheap, "RateLimit-Policy"));
        // The three exports counted against the key's minute, the refused fourth did not.
        Assert.Equal("\"minute\";r=96;t=60", Header(cheap, "RateLimit"));
        Assert.Equal("100", Header(cheap, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Two_limits_with_different_windows_each_refuse_under_their_own_name_with_their_own_Retry_After()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:events"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (int)(await Export(client)).StatusCode);

        app.Time.Advance(TimeSpan.FromMinutes(10));
        var hour = await Export(client);
        var body = await hour.AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("Rate limit 'exports-hour' of 3 requests per hour exceeded for this API key. Retry after the time in Retry-After.", body.GetProperty("detail").GetString());
        Assert.Equal("exports-hour", Assert.Single(body.GetProperty("violated-policies").EnumerateArray()).GetString());
        Assert.Equal("3000", Header(hour, "Retry-After"));
        Assert.Equal("3", Header(hour, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(hour, "X-RateLimit-Remaining"));

        app.Time.Advance(TimeSpan.FromMinutes(50)); // the hour is over; the day has 2 left
        Assert.Equal(200, (int)(await Export(client)).StatusCode);
        Assert.Equal(200, (int)(await Export(client)).StatusCode);
        var day = await Export(client);
        body = await day.AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("Rate limit 'exports-day' of 5 requests per day exceeded for this API key. Retry after the time in Retry-After.", body.GetProperty("detail").GetString());
        Assert.Equal("exports-day", Assert.Single(body.GetProperty("violated-policies").EnumerateArray()).GetString());
        Assert.Equal(((long)TimeSpan.FromHours(23).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(day, "Retry-After"));
        Assert.Equal("\"minute\";r=98;t=60, \"exports-hour\";r=1;t=3600, \"exports-day\";r=0;t=82800", Header(day, "RateLimit"));
    }

    [Fact]
    public async Task The_cost_is_spent_from_every_limit_and_a_refused_request_spends_nothing()
    {
        await using var app = await Start(a => a.MapPost("/reports", [RequiresKey(KeyType.Read, Scope = "events")] [KeyRateLimitCost(4)]
            [KeyRateLimitWindow("reports-hour", 10, "01:00:00")] () => "r"));
        var client = app.Client(app.Key("read:events"));

        var first = await client.PostAsync("/reports", null);
        Assert.Equal("\"minute\";r=96;t=60, \"reports-hour\";r=6;t=3600", Header(first, "RateLimit"));
        Assert.Equal(200, (int)(await client.PostAsync("/reports", null)).StatusCode);
        var refused = await client.PostAsync("/reports", null); // 12 > 10
        await refused.AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("\"minute\";r=92;t=60, \"reports-hour\";r=0;t=3600", Header(refused, "RateLimit"));

        // Nothing of the refused request stayed counted: the key's minute still has 92, the endpoint's hour 2.
        Assert.Equal("\"minute\";r=91;t=60", Header(await client.GetAsync("/cheap"), "RateLimit"));
        var half = await Export(client); // another endpoint's limits are its own
        Assert.Equal("\"minute\";r=90;t=60, \"exports-hour\";r=2;t=3600, \"exports-day\";r=4;t=86400", Header(half, "RateLimit"));
    }

    [Fact]
    public async Task The_key_minute_limit_refusing_gives_back_what_the_endpoint_limit_took()
    {
        await using var app = await Start(configure: o => o.RateLimits.RequestsPerMinute = 2);
        var client = app.Client(app.Key("read:events"));
        Assert.Equal(200, (int)(await client.GetAsync("/cheap")).StatusCode);
        Assert.Equal(200, (int)(await client.GetAsync("/cheap")).StatusCode);
        var body = await (await Export(client)).AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("minute", Assert.Single(body.GetProperty("violated-policies").EnumerateArray()).GetString());

        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("\"minute\";r=1;t=60, \"exports-hour\";r=2;t=3540, \"exports-day\";r=4;t=86340", Header(await Export(client), "RateLimit"));
    }

    [Fact]
    public async Task Each_key_counts_alone()
    {
        await using var app = await Start();
        var a = app.Client(app.Key("read:events"));
        for (var i = 0; i < 3; i++)
            await Export(a);
        Assert.Equal(429, (int)(await Export(a)).StatusCode);
        var b = app.Client(app.Key("read:events", "write:events"));
        Assert.Equal(200, (int)(await Export(b)).StatusCode);
    }

    [Fact]
    public async Task The_minimal_API_builder_declares_the_same_limits()
    {
        await using var app = await TestApp.StartAsync(a => a.MapPost("/exports", () => "e")
            .RequireKey(KeyType.Read, "events")
            .WithKeyRateLimitWindow("exports-hour", 2, TimeSpan.FromHours(1))
            .WithKeyRateLimitWindow("exports-day", 5, TimeSpan.FromDays(1))
            .WithKeyRateLimitCost(2));
        var client = app.Client(app.Key("read:events"));

        var first = await Export(client);
        Assert.Equal("\"minute\";q=100;w=60, \"exports-hour\";q=2;w=3600, \"exports-day\";q=5;w=86400", Header(first, "RateLimit-Policy"));
        Assert.Equal("\"minute\";r=98;t=60, \"exports-hour\";r=0;t=3600, \"exports-day\";r=3;t=86400", Header(first, "RateLimit"));
        var body = await (await Export(client)).AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("exports-hour", Assert.Single(body.GetProperty("violated-policies").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_route_group_limit_counts_for_each_endpoint_of_the_group_on_its_own()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            var group = a.MapGroup("/bulk").RequireKey(KeyType.Read, "events").WithKeyRateLimitWindow("bulk-hour", 1, TimeSpan.FromHours(1));
            group.MapPost("/a", () => "a");
            group.MapPost("/b", () => "b");
        });
        var client = app.Client(app.Key("read:events"));
        Assert.Equal(200, (int)(await client.PostAsync("/bulk/a", null)).StatusCode);
        Assert.Equal(200, (int)(await client.PostAsync("/bulk/b", null)).StatusCode);
        Assert.Equal(429, (int)(await client.PostAsync("/bulk/a", null)).StatusCode);
    }

    [Fact]
    public async Task With_the_apps_IProblemDetailsService_the_429_still_names_the_limit()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapPost("/exports", [RequiresKey(KeyType.Read, Scope = "events")] [KeyRateLimitWindow("exports-hour", 1, "01:00:00")] () => "e"),
            services: s => s.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["instance"] = "eu-1"));
        var client = app.Client(app.Key("read:events"));
        Assert.Equal(200, (int)(await Export(client)).StatusCode);

        var body = await (await Export(client)).AssertRefusal(429, "RATE_LIMITED");
        Assert.Equal("eu-1", body.GetProperty("instance").GetString());
        Assert.Equal("exports-hour", Assert.Single(body.GetProperty("violated-policies").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Limits_off_means_endpoint_limits_off_too()
    {
        await using var app = await Start(configure: o => o.RateLimits.Enabled = false);
        var client = app.Client(app.Key("read:events"));
        for (var i = 0; i < 5; i++)
            Assert.Equal(200, (int)(await Export(client)).StatusCode);
    }
}
