using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// Unknown keys cost no more than known ones (issue 16.16): misses remembered and forgotten on any change,
/// one query per hash however many ask at once, and a bounded number of queries under a flood.
/// </summary>
public sealed class CachingApiKeyStoreTests
{
    private readonly FakeTimeProvider _time = new(TestApp.Start);
    private readonly CountingStore _inner;
    private readonly Feed _feed = new();
    private readonly ApiKeyFormat _format = new("demo", KeyEnvironment.Test);

    public CachingApiKeyStoreTests() => _inner = new CountingStore(new InMemoryApiKeyStore(_time));

    private CachingApiKeyStore Cache(int perSecond = 1_000, int concurrent = 32)
        => new(_inner, [_feed], _time, Options.Create(new DeclarativeAuthOptions()), new StoreLookupBudget(perSecond, concurrent, _time));

    private KeyHash Unknown() => KeyHash.Compute(_format.Generate());

    private static ApiKey KeyFor(KeyHash hash, string id = "key_new") => new() { Id = id, Name = id, Hash = hash, Permissions = ["read:x"] };

    [Fact]
    public async Task A_repeated_unknown_key_is_looked_up_once()
    {
        var cache = Cache();
        var hash = Unknown();
        for (var i = 0; i < 50; i++)
            Assert.Null(await cache.FindAsync(hash));
        Assert.Equal(1, _inner.Finds);
    }

    [Fact]
    public async Task A_key_added_through_the_cache_after_a_miss_is_found_at_once()
    {
        var cache = Cache();
        var hash = Unknown();
        Assert.Null(await cache.FindAsync(hash));
        await cache.AddAsync(KeyFor(hash));
        Assert.Equal("key_new", (await cache.FindAsync(hash))?.Id);
    }

    [Fact]
    public async Task A_key_added_elsewhere_is_found_as_soon_as_the_change_feed_names_it()
    {
        var cache = Cache();
        var hash = Unknown();
        Assert.Null(await cache.FindAsync(hash));
        await _inner.AddAsync(KeyFor(hash)); // another instance, or the CLI
        Assert.Null(await cache.FindAsync(hash)); // not yet announced: the miss is still remembered
        _feed.Announce("key_new");
        Assert.Equal("key_new", (await cache.FindAsync(hash))?.Id);
    }

    [Fact]
    public async Task A_rotation_through_the_cache_forgets_a_miss_for_the_replacement()
    {
        var cache = Cache();
        var old = KeyFor(Unknown(), "key_old");
        await cache.AddAsync(old);
        var replacement = KeyFor(Unknown(), "key_replacement");
        Assert.Null(await cache.FindAsync(replacement.Hash));
        Assert.True(await cache.RotateAsync("key_old", replacement, TestApp.Start));
        Assert.Equal("key_replacement", (await cache.FindAsync(replacement.Hash))?.Id);
    }

    [Fact]
    public async Task A_miss_is_remembered_only_briefly_and_not_while_a_feed_is_down()
    {
        var cache = Cache();
        var hash = Unknown();
        await cache.FindAsync(hash);
        _time.Advance(CachingApiKeyStore.MaxMissDuration);
        await cache.FindAsync(hash);
        Assert.Equal(2, _inner.Finds);
        _feed.Healthy = false;
        await cache.FindAsync(hash);
        await cache.FindAsync(hash);
        Assert.Equal(4, _inner.Finds);
    }

    [Fact]
    public async Task A_miss_found_while_the_key_was_being_added_is_not_remembered()
    {
        var cache = Cache();
        var hash = Unknown();
        _inner.Gate = new TaskCompletionSource();
        var racing = cache.FindAsync(hash).AsTask(); // the query starts before the key exists ...
        await _inner.Started.Task;
        await cache.AddAsync(KeyFor(hash)); // ... the key is added while it runs ...
        _inner.AnswerNullOnce = true;
        _inner.Gate.SetResult(); // ... and the query answers from before the add
        Assert.Null(await racing);
        _inner.Gate = null;
        Assert.Equal("key_new", (await cache.FindAsync(hash))?.Id);
    }

    [Fact]
    public async Task Concurrent_lookups_of_one_hash_share_one_query()
    {
        var cache = Cache();
        var hash = Unknown();
        await _inner.AddAsync(KeyFor(hash));
        _inner.Gate = new TaskCompletionSource();
        var waiting = Enumerable.Range(0, 20).Select(_ => cache.FindAsync(hash).AsTask()).ToArray();
        _inner.Gate.SetResult();
        foreach (var found in await Task.WhenAll(waiting))
            Assert.Equal("key_new", found?.Id);
        Assert.Equal(1, _inner.Finds);
    }

    [Fact]
    public async Task A_caller_giving_up_does_not_fail_the_others_waiting_for_the_same_query()
    {
        var cache = Cache();
        var hash = Unknown();
        await _inner.AddAsync(KeyFor(hash));
        _inner.Gate = new TaskCompletionSource();
        using var impatient = new CancellationTokenSource();
        var first = cache.FindAsync(hash, impatient.Token).AsTask();
        var second = cache.FindAsync(hash).AsTask();
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        _inner.Gate.SetResult();
        Assert.Equal("key_new", (await second)?.Id);
    }

    [Fact]
    public async Task Under_a_flood_of_unknown_keys_store_lookups_are_bounded_and_cached_keys_still_served()
    {
        var cache = Cache(perSecond: 10);
        var known = Unknown();
        await _inner.AddAsync(KeyFor(known));
        Assert.NotNull(await cache.FindAsync(known)); // cached before the flood
        var unavailable = 0;
        for (var i = 0; i < 1_000; i++)
        {
            try
            {
                Assert.Null(await cache.FindAsync(Unknown()));
            }
            catch (KeyStoreUnavailableException)
            {
                unavailable++;
            }
        }
        Assert.Equal(10, _inner.Finds); // the cached key's lookup and 9 of the flood
        Assert.Equal(991, unavailable);
        Assert.NotNull(await cache.FindAsync(known));
        var served = cache.Find(known, lowPriority: false, out var refused, default);
        Assert.False(refused);
        Assert.NotNull(await served);

        _time.Advance(TimeSpan.FromSeconds(1)); // the next second has its own budget
        Assert.Null(await cache.FindAsync(Unknown()));
        Assert.Equal(11, _inner.Finds);
    }

    [Fact]
    public void Low_priority_lookups_get_half_of_each_second_and_concurrent_ones_are_bounded()
    {
        var budget = new StoreLookupBudget(perSecond: 10, concurrent: 3, _time);
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => budget.TryStart(lowPriority: true)));
        budget.Finished();
        budget.Finished();
        budget.Finished();
        Assert.Equal(2, Enumerable.Range(0, 5).Count(_ => budget.TryStart(lowPriority: true))); // 5 of 10 started
        budget.Finished();
        budget.Finished();
        Assert.True(budget.TryStart(lowPriority: false));
    }

    [Fact]
    public async Task A_query_that_outlives_the_store_timeout_fails_every_waiter_as_a_timeout()
    {
        var cache = new CachingApiKeyStore(_inner, [_feed], TimeProvider.System,
            Options.Create(new DeclarativeAuthOptions { StoreTimeout = TimeSpan.FromMilliseconds(50) }), new StoreLookupBudget(10, 1, TimeProvider.System));
        _inner.Gate = new TaskCompletionSource(); // never opened: only the store's timeout ends the query
        await Assert.ThrowsAsync<TimeoutException>(() => cache.FindAsync(Unknown()).AsTask());
        // ... and it gave its concurrent share back
        _inner.Gate = null;
        Assert.Null(await cache.FindAsync(Unknown()));
    }

    private sealed class Feed : IKeyChangeFeed
    {
        private Action<string?>? _subscriber;

        public bool Healthy { get; set; } = true;

        public bool IsHealthy => Healthy;

        public void Subscribe(Action<string?> onChange) => _subscriber += onChange;

        public void Announce(string? id) => _subscriber?.Invoke(id);
    }

    /// <summary>Counts lookups; with a gate, each lookup waits for it (an asynchronous database).</summary>
    private sealed class CountingStore(InMemoryApiKeyStore inner) : IApiKeyStore
    {
        private int _finds;

        public int Finds => Volatile.Read(ref _finds);

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool AnswerNullOnce { get; set; }

        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _finds);
            return Gate is { } gate ? Gated(gate, hash, cancellationToken) : inner.FindAsync(hash, cancellationToken);
        }

        private async ValueTask<ApiKey?> Gated(TaskCompletionSource gate, KeyHash hash, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
            if (AnswerNullOnce)
            {
                AnswerNullOnce = false;
                return null;
            }
            return await inner.FindAsync(hash, cancellationToken);
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
}
