using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Kener's rate limits, on a clock the test moves.</summary>
public sealed class RateLimitTests
{
    private static Task<TestApp> Start(Action<DeclarativeAuthOptions>? options = null, bool cached = false, Action? onLookup = null, int budget = StoreLookupBudget.DefaultPerSecond)
        => TestApp.StartAsync(a =>
        {
            a.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
            a.MapGet("/api/cheap", [RequiresKey(KeyType.Read, Scope = "monitors")][KeyRateLimit(3)] () => "c");
        }, options, services: cached ? s => s.AddSingleton<IApiKeyStore>(sp => new CachingApiKeyStore(
            new Counting(sp.GetRequiredService<InMemoryApiKeyStore>(), onLookup ?? (() => { })), [], sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<DeclarativeAuthOptions>>(),
            new StoreLookupBudget(budget, StoreLookupBudget.DefaultConcurrent, sp.GetRequiredService<TimeProvider>()))) : null);

    /// <summary>The in-memory store, counting lookups.</summary>
    private sealed class Counting(InMemoryApiKeyStore inner, Action onLookup) : IApiKeyStore
    {
        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        {
            onLookup();
            return inner.FindAsync(hash, cancellationToken);
        }

        public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) => inner.AddAsync(key, cancellationToken);

        public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => inner.RevokeAsync(id, revokedAt, cancellationToken);

        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) => inner.SetExpiryAsync(id, expiresAt, cancellationToken);

        public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
            => inner.RotateAsync(oldId, replacement, oldRevokedAt, cancellationToken);

        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
            => inner.RecordUsageAsync(lastUsed, cancellationToken);
    }

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
    public async Task Failed_attempts_from_one_address_get_429_but_a_valid_key_from_it_is_still_served()
    {
        // One NAT or proxy carries many clients: a guesser behind it must not lock the others out (issue 16.6).
        await using var app = await Start(o => o.RateLimits.FailedAttemptsPerMinute = 5);
        var bad = app.Client(app.Format.Generate());
        for (var i = 0; i < 5; i++)
            await (await bad.GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
        var blocked = await bad.GetAsync("/api/monitors");
        await blocked.AssertRefusal(429, "RATE_LIMITED");
        Assert.NotNull(blocked.Headers.RetryAfter);
        await (await app.Client(app.Format.Generate()).GetAsync("/api/monitors")).AssertRefusal(429, "RATE_LIMITED"); // another guess
        // A credential not shaped like our keys (a user's token) is no guess at a key: refused, never counted, never 429.
        await (await app.Client("not-a-key").GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
        await (await app.Client(app.Format.Generate()[..^3]).GetAsync("/api/monitors")).AssertRefusal(429, "RATE_LIMITED"); // malformed too

        var good = app.Client(app.Key("read:monitors"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/monitors")).StatusCode);
        await (await bad.GetAsync("/api/monitors")).AssertRefusal(429, "RATE_LIMITED"); // serving it did not reset the guard
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await (await bad.GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_blocked_address_repeating_an_unknown_key_costs_the_store_one_lookup()
    {
        var lookups = 0;
        await using var app = await Start(o => o.RateLimits.FailedAttemptsPerMinute = 5, cached: true, onLookup: () => Interlocked.Increment(ref lookups));
        var bad = app.Client(app.Format.Generate());
        for (var i = 0; i < 50; i++)
            Assert.Equal(i < 5 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, (await bad.GetAsync("/api/monitors")).StatusCode);
        Assert.Equal(1, lookups);
        var good = app.Key("read:monitors");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(good).GetAsync("/api/monitors")).StatusCode);
        Assert.Equal(2, lookups);
    }

    [Fact]
    public async Task Past_the_store_lookup_budget_an_unknown_key_gets_503_with_Retry_After_and_no_log_line_each()
    {
        await using var app = await Start(o => o.RateLimits.Enabled = false, cached: true, budget: 3);
        var known = app.Client(app.Key("read:monitors"));
        Assert.Equal(HttpStatusCode.OK, (await known.GetAsync("/api/monitors")).StatusCode); // 1 of 3
        for (var i = 0; i < 2; i++)
            await (await app.Client(app.Format.Generate()).GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
        var busy = await app.Client(app.Format.Generate()).GetAsync("/api/monitors");
        await busy.AssertRefusal(503, "AUTH_UNAVAILABLE");
        Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await known.GetAsync("/api/monitors")).StatusCode); // cached keys are served
        Assert.DoesNotContain(app.Logs.Lines(), l => l.Contains("DeclarativeAuthMiddleware", StringComparison.Ordinal));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await (await app.Client(app.Format.Generate()).GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
    }
}
