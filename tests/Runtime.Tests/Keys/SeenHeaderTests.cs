using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// Kestrel gives every request on a keep-alive connection the same string for a repeated Authorization header;
/// the connection remembers such a string with the cache entry that answered it, and the verifier skips the hash
/// for it. These tests send one string instance again and again on one connection, as Kestrel does, and change
/// the key in between: the remembered answer must never outlive what the cache itself would serve.
/// </summary>
public sealed class SeenHeaderTests
{
    private sealed class Harness : IAsyncDisposable
    {
        private readonly TestApp _app;
        private readonly DeclarativeAuthMiddleware _middleware;
        private readonly Endpoint _endpoint;
        private readonly ConnectionItems _connection = new(); // one keep-alive connection for every request sent

        private Harness(TestApp app)
        {
            _app = app;
            _middleware = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(app.App.Services,
                (RequestDelegate)(c => { c.Response.StatusCode = 299; return Task.CompletedTask; }));
            _endpoint = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>().Single(e => e.RoutePattern.RawText == "/x");
        }

        public TestApp App => _app;

        public static async Task<Harness> StartAsync() => new(await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            options: o => o.RateLimits.Enabled = false,
            builder: b => new DeclarativeAuthBuilder(b.Services).UseStore(sp => sp.GetRequiredService<InMemoryApiKeyStore>(), cache: true)));

        /// <summary>One request with exactly this header string; the status the verifier leaves.</summary>
        public async Task<int> SendAsync(string header)
        {
            var context = new DefaultHttpContext { RequestServices = _app.App.Services };
            context.Request.Method = "GET";
            context.Request.Protocol = "HTTP/1.1";
            context.Request.Path = "/x";
            context.Features.Set<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>(_connection);
            context.Request.Headers.Authorization = header;
            context.Response.Body = new MemoryStream();
            context.SetEndpoint(_endpoint);
            await _middleware.InvokeAsync(context);
            return context.Response.StatusCode;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private sealed class ConnectionItems : Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }

    private static async Task<(Harness Harness, CreatedApiKey Key, string Header)> Seen(DateTimeOffset? expiresAt = null)
    {
        var harness = await Harness.StartAsync();
        var created = await harness.App.Keys.CreateAsync(new CreateApiKeyRequest { Name = "hot", Permissions = ["read:events"], ExpiresAt = expiresAt });
        var header = "Bearer " + created.Secret;
        Assert.Equal(299, await harness.SendAsync(header)); // from the store, into the cache
        Assert.Equal(299, await harness.SendAsync(header)); // from the cache: the string is remembered now
        Assert.Equal(299, await harness.SendAsync(header)); // remembered
        return (harness, created, header);
    }

    [Fact]
    public async Task A_remembered_header_is_refused_the_moment_its_key_is_revoked()
    {
        var (harness, key, header) = await Seen();
        await using var _ = harness;
        await harness.App.Keys.RevokeAsync(key.Key.Id);
        Assert.Equal(401, await harness.SendAsync(header));
    }

    [Fact]
    public async Task A_remembered_header_is_refused_once_its_key_expires_or_is_rotated_out()
    {
        var (harness, key, header) = await Seen(expiresAt: TestApp.Start.AddMinutes(1));
        await using var _ = harness;
        harness.App.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(401, await harness.SendAsync(header));

        var (other, otherKey, otherHeader) = await Seen();
        await using var __ = other;
        var rotated = await other.App.Keys.RotateAsync(otherKey.Key.Id);
        Assert.Equal(401, await other.SendAsync(otherHeader));
        Assert.Equal(299, await other.SendAsync("Bearer " + rotated.Secret));
    }

    [Fact]
    public async Task A_remembered_header_follows_the_cache_duration_and_another_string_with_the_same_key_still_works()
    {
        var (harness, _, header) = await Seen();
        await using var __ = harness;
        harness.App.Time.Advance(TimeSpan.FromMinutes(6)); // past CacheDuration: the entry is reloaded
        Assert.Equal(299, await harness.SendAsync(header));
        Assert.Equal(299, await harness.SendAsync(new string(header.AsSpan()))); // same bytes, another instance
    }

    private sealed class Feed : IKeyChangeFeed
    {
        public Action<string?>? Changed { get; private set; }

        public bool IsHealthy { get; set; } = true;

        public void Subscribe(Action<string?> onChange) => Changed = onChange;
    }

    [Fact]
    public async Task A_cache_entry_stops_being_current_when_evicted_changed_elsewhere_expired_or_a_feed_is_down()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        var inner = new InMemoryApiKeyStore();
        var feed = new Feed();
        var cache = new CachingApiKeyStore(inner, [feed], time, Options.Create(new DeclarativeAuthOptions { CacheDuration = TimeSpan.FromMinutes(5) }));
        var format = new ApiKeyFormat("app", KeyEnvironment.Test);
        var secret = format.Generate();
        var key = inner.Add("k", secret, ["read:events"]);
        var hash = KeyHash.Compute(secret);

        async Task<CachingApiKeyStore.Entry> Load()
        {
            Assert.NotNull(await cache.FindAsync(hash));
            return Assert.IsType<CachingApiKeyStore.Entry>(cache.Current(hash));
        }

        var entry = await Load();
        Assert.True(cache.IsCurrent(entry));
        cache.Evict(key.Id);
        Assert.False(cache.IsCurrent(entry));

        entry = await Load();
        feed.Changed!(key.Id); // a write on another instance
        Assert.False(cache.IsCurrent(entry));

        entry = await Load();
        feed.Changed!(null); // changes may have been missed
        Assert.False(cache.IsCurrent(entry));

        entry = await Load();
        feed.IsHealthy = false;
        Assert.False(cache.IsCurrent(entry));
        feed.IsHealthy = true;
        Assert.True(cache.IsCurrent(entry));

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.False(cache.IsCurrent(entry));
        var reloaded = await Load();
        Assert.NotSame(entry, reloaded);
        Assert.False(cache.IsCurrent(entry));
        Assert.True(cache.IsCurrent(reloaded));
    }
}
