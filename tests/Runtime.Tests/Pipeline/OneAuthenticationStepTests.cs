using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// [Authorize] endpoints authenticate keys through the same step as key endpoints, so every guard applies to them
/// too (issue 16 item 8, issue 15 item 9): the store timeout, the failed-attempt limit, per-key rate limits and
/// their headers, the key-in-URL refusal, and the reason a key is refused.
/// </summary>
public sealed class OneAuthenticationStepTests
{
    private static Task<TestApp> Start(Action<DeclarativeAuthOptions>? options = null, Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/authorized", (HttpContext c) => c.User.Identity!.Name).RequireAuthorization();
            a.MapGet("/key", [RequiresKey(KeyType.Read, Scope = "events")] () => "k");
        },
        options,
        services);

    /// <summary>A store whose lookups never answer, like a database that hangs.</summary>
    private sealed class HangingStore : IApiKeyStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            return new(new TaskCompletionSource<ApiKey?>().Task);
        }
        private static Task<T> Never<T>() => new TaskCompletionSource<T>().Task;
        public Task<ApiKey?> GetAsync(string id, CancellationToken ct = default) => Never<ApiKey?>();
        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default) => Never<IReadOnlyList<ApiKey>>();
        public Task AddAsync(ApiKey key, CancellationToken ct = default) => Never<bool>();
        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct = default) => Never<bool>();
        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? at, CancellationToken ct = default) => Never<bool>();
        public Task<bool> RotateAsync(string oldId, ApiKey r, DateTimeOffset at, CancellationToken ct = default) => Never<bool>();
        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> u, CancellationToken ct = default) => Task.CompletedTask;
    }

    [Theory]
    [InlineData("/authorized")]
    [InlineData("/key")]
    public async Task A_hanging_store_is_503_after_StoreTimeout_not_a_hang(string path)
    {
        // The timeout runs on the app's TimeProvider: the test moves the fake clock past StoreTimeout once the lookup hangs.
        var store = new HangingStore();
        await using var app = await Start(o => o.StoreTimeout = TimeSpan.FromMilliseconds(200),
            s => s.Replace(ServiceDescriptor.Singleton<IApiKeyStore>(store)));
        var pending = app.Client(app.Format.Generate()).GetAsync(path);
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        // The timer is armed just after the store is entered: advance in steps until the answer comes.
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            app.Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(pending, Task.Delay(20));
        }
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(20));
        await response.AssertRefusal(503, "AUTH_UNAVAILABLE");
    }

    [Fact]
    public async Task Failed_attempts_on_Authorize_endpoints_count_and_the_31st_is_429()
    {
        await using var app = await Start();
        var client = app.Client(app.Format.Generate()); // format-valid, unknown
        for (var i = 0; i < 30; i++)
            await (await client.GetAsync("/authorized")).AssertRefusal(401, "UNAUTHORIZED");
        var blocked = await client.GetAsync("/authorized");
        await blocked.AssertRefusal(429, "RATE_LIMITED");
        Assert.NotNull(blocked.Headers.RetryAfter);
    }

    [Fact]
    public async Task Per_key_rate_limits_and_their_headers_apply_on_Authorize_endpoints()
    {
        await using var app = await Start(o => o.RateLimits.RequestsPerMinute = 2);
        var client = app.Client(app.Key("read:events"));
        var first = await client.GetAsync("/authorized");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("1", first.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/authorized")).StatusCode);
        await (await client.GetAsync("/authorized")).AssertRefusal(429, "RATE_LIMITED");
    }

    [Fact]
    public async Task A_key_in_the_URL_of_an_Authorize_endpoint_is_refused()
    {
        await using var app = await Start();
        var key = app.Key("read:events");
        var body = await (await app.Client(key).GetAsync("/authorized?api_key=" + key)).AssertRefusal(401, "UNAUTHORIZED");
        Assert.Contains("URL", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_revoked_key_on_an_Authorize_endpoint_is_KEY_REVOKED_not_missing()
    {
        await using var app = await Start();
        var created = await app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "r", Permissions = ["read:events"] });
        await app.Keys.RevokeAsync(created.Key.Id);
        var body = await (await app.Client(created.Secret).GetAsync("/authorized")).AssertRefusal(401, "KEY_REVOKED");
        Assert.DoesNotContain("Missing", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_key_on_an_Authorize_endpoint_is_invalid_not_missing()
    {
        await using var app = await Start();
        var body = await (await app.Client(app.Format.Generate()).GetAsync("/authorized")).AssertRefusal(401, "UNAUTHORIZED");
        Assert.DoesNotContain("Missing", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Key_requests_log_no_authentication_failure_of_any_scheme()
    {
        await using var app = await Start();
        var key = app.Key("read:events");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/authorized")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/key")).StatusCode);
        Assert.DoesNotContain(app.Logs.Lines(), l => l.Contains("was not authenticated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_UseAuthentication_before_us_the_scheme_and_the_verifier_count_a_failed_attempt_once()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/authorized", () => "in").RequireAuthorization(),
            pipeline: a =>
            {
                a.UseAuthentication(); // runs the ApiKey scheme (the only one) before the verifier
                a.UseDeclarativeAuth();
            });
        var client = app.Client(app.Format.Generate());
        for (var i = 0; i < 30; i++)
            await (await client.GetAsync("/authorized")).AssertRefusal(401, "UNAUTHORIZED");
        await (await client.GetAsync("/authorized")).AssertRefusal(429, "RATE_LIMITED"); // the 31st, not the 16th
    }
}
