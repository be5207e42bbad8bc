using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Keeps found keys in memory in front of a database store (registered as a decorator). A write made through
/// this instance evicts before it returns, so a revoke is enforced here the moment it completes; writes made
/// elsewhere arrive through <see cref="IKeyChangeFeed"/>. While a feed is unhealthy nothing is served from
/// memory: stale keys are never served to save a query.
/// </summary>
public sealed class CachingApiKeyStore : IApiKeyStore
{
    private readonly IApiKeyStore _inner;
    private readonly IKeyChangeFeed[] _feeds;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly ConcurrentDictionary<KeyHash, Entry> _byHash = new();
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>A cached key; marked the moment it leaves the cache, so a holder can tell it is no longer current.</summary>
    internal sealed class Entry(ApiKey key, long expiresAtTicks)
    {
        private volatile bool _evicted;

        public ApiKey Key { get; } = key;

        public long ExpiresAtTicks { get; } = expiresAtTicks;

        public bool Evicted => _evicted;

        public void MarkEvicted() => _evicted = true;
    }

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CachingApiKeyStore(IApiKeyStore inner, IEnumerable<IKeyChangeFeed> feeds, TimeProvider time, IOptions<DeclarativeAuthOptions> options)
    {
        _inner = inner;
        _feeds = [.. feeds];
        _time = time;
        _ttlTicks = options.Value.CacheDuration.Ticks;
        foreach (var feed in _feeds)
            feed.Subscribe(Evict);
    }

    /// <summary>Keys currently held. For tests and diagnostics.</summary>
    public int Count => _byHash.Count;

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
    {
        return Current(hash) is { } entry ? ValueTask.FromResult<ApiKey?>(entry.Key) : Load(hash, cancellationToken);
    }

    /// <summary>The entry this cache would answer <paramref name="hash"/> with now, if any.</summary>
    internal Entry? Current(KeyHash hash) => _byHash.TryGetValue(hash, out var entry) && IsCurrent(entry) ? entry : null;

    /// <summary>
    /// True while <paramref name="entry"/> is what <see cref="FindAsync"/> would still serve: not evicted (a write
    /// through this instance or a change from a feed), within its cache duration, every feed healthy.
    /// </summary>
    internal bool IsCurrent(Entry entry) => !entry.Evicted && entry.ExpiresAtTicks > _time.GetUtcNow().UtcTicks && Healthy();

    private async ValueTask<ApiKey?> Load(KeyHash hash, CancellationToken cancellationToken)
    {
        // Read the generation before the query: an eviction that lands while the query runs wins.
        var generation = Volatile.Read(ref _generation);
        var key = await _inner.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (key is not null && Healthy())
        {
            var entry = new Entry(key, _time.GetUtcNow().UtcTicks + _ttlTicks);
            _byHash.AddOrUpdate(hash, entry, (_, replaced) => { replaced.MarkEvicted(); return entry; });
            _hashById[key.Id] = hash;
            if (Volatile.Read(ref _generation) != generation && _byHash.TryRemove(KeyValuePair.Create(hash, entry)))
                entry.MarkEvicted();
        }
        return key;
    }

    /// <inheritdoc />
    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);

    /// <inheritdoc />
    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) => _inner.AddAsync(key, cancellationToken);

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
        Evict(oldId);
        try
        {
            return await _inner.RotateAsync(oldId, replacement, oldRevokedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Evict(oldId);
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

    /// <summary>Drops one key (by id), or everything when <paramref name="id"/> is null.</summary>
    public void Evict(string? id)
    {
        Interlocked.Increment(ref _generation);
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
