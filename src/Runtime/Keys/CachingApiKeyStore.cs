using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Keeps found keys in memory in front of a database store (registered as a decorator). A write made through
/// this instance evicts before it returns, so a revoke is enforced here the moment it completes; writes made
/// elsewhere arrive through <see cref="IKeyChangeFeed"/>. While a feed is unhealthy nothing is served from
/// memory: stale keys are never served to save a query.
/// </summary>
/// <remarks>
/// Unknown keys cost no more than known ones: anyone can mint format-valid keys, so a miss is remembered for a
/// short while (dropped at once by any key change through this instance or a feed, so a key created after the
/// miss is found), concurrent lookups of one hash share one query, and the queries that reach the store are
/// bounded by <see cref="StoreLookupBudget"/>. A lookup the budget has no room for is refused as unavailable
/// (503 with <c>Retry-After</c>), never answered "no such key"; keys already in memory keep being served.
/// </remarks>
internal sealed class CachingApiKeyStore : IApiKeyStore
{
    /// <summary>The longest a miss is remembered (shorter when <see cref="DeclarativeAuthOptions.CacheDuration"/> is).</summary>
    internal static readonly TimeSpan MaxMissDuration = TimeSpan.FromSeconds(10);

    /// <summary>Misses remembered at once.</summary>
    internal const int MissCapacity = 20_000;

    private readonly IApiKeyStore _inner;
    private readonly IKeyChangeFeed[] _feeds;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly long _missTtlTicks;
    private readonly TimeSpan _storeTimeout;
    private readonly ConcurrentDictionary<KeyHash, Entry> _byHash = new();
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly GenerationalTable<KeyHash, Miss> _misses;
    private readonly ConcurrentDictionary<KeyHash, Task<ApiKey?>> _loading = new();
    private readonly StoreLookupBudget _budget;
    private long _generation;
    private long _missGeneration;

    /// <summary>A cached key; marked the moment it leaves the cache, so a holder can tell it is no longer current.</summary>
    internal sealed class Entry(ApiKey key, long expiresAtTicks)
    {
        private volatile bool _evicted;

        public ApiKey Key { get; } = key;

        public long ExpiresAtTicks { get; } = expiresAtTicks;

        public bool Evicted => _evicted;

        public void MarkEvicted() => _evicted = true;
    }

    private sealed class Miss(long expiresAtTicks)
    {
        public long ExpiresAtTicks { get; } = expiresAtTicks;
    }

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CachingApiKeyStore(IApiKeyStore inner, IEnumerable<IKeyChangeFeed> feeds, TimeProvider time, IOptions<DeclarativeAuthOptions> options)
        : this(inner, feeds, time, options, new StoreLookupBudget(StoreLookupBudget.DefaultPerSecond, StoreLookupBudget.DefaultConcurrent, time))
    {
    }

    internal CachingApiKeyStore(IApiKeyStore inner, IEnumerable<IKeyChangeFeed> feeds, TimeProvider time, IOptions<DeclarativeAuthOptions> options, StoreLookupBudget budget)
    {
        _inner = inner;
        _feeds = [.. feeds];
        _time = time;
        _ttlTicks = options.Value.CacheDuration.Ticks;
        _missTtlTicks = Math.Min(_ttlTicks, MaxMissDuration.Ticks);
        _storeTimeout = options.Value.StoreTimeout;
        _budget = budget;
        _misses = new(MissCapacity, TimeSpan.FromTicks(Math.Max(1, _missTtlTicks)), time);
        foreach (var feed in _feeds)
            feed.Subscribe(Evict);
    }

    /// <summary>Keys currently held. For tests and diagnostics.</summary>
    public int Count => _byHash.Count;

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
    {
        var found = Find(hash, lowPriority: false, out var refused, cancellationToken);
        return refused ? ValueTask.FromException<ApiKey?>(new KeyStoreUnavailableException(BudgetSpent)) : found;
    }

    private const string BudgetSpent = "Too many keys to look up at once; retry shortly.";

    /// <summary>
    /// <see cref="FindAsync"/> without an exception when the lookup budget is spent: <paramref name="refused"/>
    /// says so (the answer is then unknown, not "no such key"). <paramref name="lowPriority"/> lookups may use
    /// only half of each second's budget.
    /// </summary>
    internal ValueTask<ApiKey?> Find(KeyHash hash, bool lowPriority, out bool refused, CancellationToken cancellationToken)
    {
        refused = false;
        if (Current(hash) is { } entry)
            return ValueTask.FromResult<ApiKey?>(entry.Key);
        if (IsKnownMissing(hash))
            return default;
        if (_loading.TryGetValue(hash, out var pending))
            return new(pending.WaitAsync(cancellationToken));
        if (!_budget.TryStart(lowPriority))
        {
            refused = true;
            return default;
        }
        var load = new TaskCompletionSource<ApiKey?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _loading.GetOrAdd(hash, load.Task);
        if (!ReferenceEquals(shared, load.Task))
        {
            _budget.Finished();
            return new(shared.WaitAsync(cancellationToken));
        }
        return Load(hash, load, cancellationToken);
    }

    /// <summary>The entry this cache would answer <paramref name="hash"/> with now, if any.</summary>
    internal Entry? Current(KeyHash hash) => _byHash.TryGetValue(hash, out var entry) && IsCurrent(entry) ? entry : null;

    /// <summary>
    /// True while <paramref name="entry"/> is what <see cref="FindAsync"/> would still serve: not evicted (a write
    /// through this instance or a change from a feed), within its cache duration, every feed healthy.
    /// </summary>
    internal bool IsCurrent(Entry entry) => !entry.Evicted && entry.ExpiresAtTicks > _time.GetUtcNow().UtcTicks && Healthy();

    /// <summary>True when the store said "no such key" for <paramref name="hash"/> a moment ago and nothing changed since.</summary>
    internal bool IsKnownMissing(KeyHash hash)
        => _misses.TryGet(hash, out var miss) && miss.ExpiresAtTicks > _time.GetUtcNow().UtcTicks && Healthy();

    // The one query for a hash, shared by every request that asks for it meanwhile. It runs on its own timeout
    // (StoreTimeout), not the first caller's token: one caller giving up must not fail the others.
    private ValueTask<ApiKey?> Load(KeyHash hash, TaskCompletionSource<ApiKey?> load, CancellationToken cancellationToken)
    {
        // Read the generations before the query: an eviction that lands while the query runs wins.
        var generation = Volatile.Read(ref _generation);
        var missGeneration = Volatile.Read(ref _missGeneration);
        var timeout = new CancellationTokenSource(_storeTimeout, _time);
        ValueTask<ApiKey?> query;
        try
        {
            query = _inner.FindAsync(hash, timeout.Token);
        }
        catch (Exception ex)
        {
            Settle(hash, load, timeout, null, ex);
            throw;
        }
        if (query.IsCompletedSuccessfully)
        {
            var key = query.Result;
            Remember(hash, key, generation, missGeneration);
            Settle(hash, load, timeout, key, null);
            return ValueTask.FromResult(key);
        }
        _ = Complete(hash, query, load, timeout, generation, missGeneration);
        return new(load.Task.WaitAsync(cancellationToken));
    }

    private async Task Complete(KeyHash hash, ValueTask<ApiKey?> query, TaskCompletionSource<ApiKey?> load, CancellationTokenSource timeout, long generation, long missGeneration)
    {
        try
        {
            var key = await query.ConfigureAwait(false);
            Remember(hash, key, generation, missGeneration);
            Settle(hash, load, timeout, key, null);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            Settle(hash, load, timeout, null, new TimeoutException("The key store did not answer within StoreTimeout.", ex));
        }
        catch (Exception ex)
        {
            Settle(hash, load, timeout, null, ex);
        }
    }

    private void Settle(KeyHash hash, TaskCompletionSource<ApiKey?> load, CancellationTokenSource timeout, ApiKey? key, Exception? error)
    {
        _loading.TryRemove(KeyValuePair.Create(hash, load.Task));
        _budget.Finished();
        timeout.Dispose();
        if (error is null)
        {
            load.SetResult(key);
        }
        else
        {
            load.SetException(error);
            _ = load.Task.Exception; // observed: a caller that gave up must not turn into an UnobservedTaskException
        }
    }

    private void Remember(KeyHash hash, ApiKey? key, long generation, long missGeneration)
    {
        if (!Healthy())
            return;
        if (key is null)
        {
            if (_missTtlTicks <= 0 || Volatile.Read(ref _missGeneration) != missGeneration)
                return;
            var miss = new Miss(_time.GetUtcNow().UtcTicks + _missTtlTicks);
            _misses.Set(hash, miss);
            // A key added while the query ran (ForgetMiss bumps the generation, then removes) wins.
            if (Volatile.Read(ref _missGeneration) != missGeneration)
                _misses.Remove(hash, miss);
            return;
        }
        var entry = new Entry(key, _time.GetUtcNow().UtcTicks + _ttlTicks);
        _byHash.AddOrUpdate(hash, entry, (_, replaced) => { replaced.MarkEvicted(); return entry; });
        _hashById[key.Id] = hash;
        if (Volatile.Read(ref _generation) != generation && _byHash.TryRemove(KeyValuePair.Create(hash, entry)))
            entry.MarkEvicted();
    }

    private void ForgetMiss(KeyHash hash)
    {
        Interlocked.Increment(ref _missGeneration);
        _misses.Remove(hash);
    }

    private void ForgetMisses()
    {
        Interlocked.Increment(ref _missGeneration);
        _misses.Clear();
    }

    /// <inheritdoc />
    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task AddAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ForgetMiss(key.Hash);
        try
        {
            await _inner.AddAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ForgetMiss(key.Hash); // a lookup racing the write may have remembered the miss
        }
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        Evict(id);
        try
        {
            return await _inner.RevokeAsync(id, revokedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(id); // a request racing the write may have re-cached the old record
        }
    }

    /// <inheritdoc />
    public async Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        Evict(id);
        try
        {
            return await _inner.SetExpiryAsync(id, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(id);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        Evict(oldId);
        ForgetMiss(replacement.Hash);
        try
        {
            return await _inner.RotateAsync(oldId, replacement, oldRevokedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(oldId);
            ForgetMiss(replacement.Hash);
        }
    }

    /// <inheritdoc />
    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
        => _inner.RecordUsageAsync(lastUsed, cancellationToken);

    private bool Healthy()
    {
        foreach (var feed in _feeds)
        {
            if (!feed.IsHealthy)
                return false;
        }
        return true;
    }

    /// <summary>
    /// Drops one key (by id), or everything when <paramref name="id"/> is null. Remembered misses are dropped
    /// either way: a change feed names a key by id, and a new key's id says nothing about which miss it answers.
    /// </summary>
    public void Evict(string? id)
    {
        Interlocked.Increment(ref _generation);
        ForgetMisses();
        if (id is null)
        {
            foreach (var (hash, _) in _byHash)
            {
                if (_byHash.TryRemove(hash, out var removed))
                    removed.MarkEvicted();
            }
            _hashById.Clear();
            return;
        }
        if (_hashById.TryRemove(id, out var evicted) && _byHash.TryRemove(evicted, out var entry))
            entry.MarkEvicted();
    }
}
