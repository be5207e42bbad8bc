namespace Declarative.Auth;

/// <summary>Usage in memory: the default, and what tests use.</summary>
internal sealed class InMemoryKeyUsageStore : IKeyUsageStore
{
    private readonly Dictionary<(string KeyId, KeyUsageSpan Span, long Start, string Code), long> _counts = [];
    private readonly Lock _gate = new();

    /// <summary>How many times <see cref="AddAsync"/> was called (tests: usage is written per flush, never per request).</summary>
    public int Writes { get; private set; }

    public Task AddAsync(DateTimeOffset minute, IReadOnlyList<KeyUsageCount> counts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var m = KeyUsageTime.Floor(minute, KeyUsageSpan.Minute).UtcTicks;
        var h = KeyUsageTime.Floor(minute, KeyUsageSpan.Hour).UtcTicks;
        lock (_gate)
        {
            Writes++;
            foreach (var c in counts)
            {
                _counts[(c.KeyId, KeyUsageSpan.Minute, m, c.Code)] = _counts.GetValueOrDefault((c.KeyId, KeyUsageSpan.Minute, m, c.Code)) + c.Count;
                _counts[(c.KeyId, KeyUsageSpan.Hour, h, c.Code)] = _counts.GetValueOrDefault((c.KeyId, KeyUsageSpan.Hour, h, c.Code)) + c.Count;
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KeyUsageBucket>> ReadAsync(string keyId, KeyUsageSpan span, DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<KeyUsageBucket> found = [.. _counts
                .Where(e => e.Key.KeyId == keyId && e.Key.Span == span && e.Key.Start >= from.UtcTicks)
                .OrderBy(e => e.Key.Start).ThenBy(e => e.Key.Code, StringComparer.Ordinal)
                .Select(e => new KeyUsageBucket(new DateTimeOffset(e.Key.Start, TimeSpan.Zero), e.Key.Code, e.Value))];
            return Task.FromResult(found);
        }
    }

    public Task<int> PurgeAsync(KeyUsageSpan span, DateTimeOffset before, int batch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var old = _counts.Keys.Where(k => k.Span == span && k.Start < before.UtcTicks).Take(batch).ToList();
            foreach (var k in old)
                _counts.Remove(k);
            return Task.FromResult(old.Count);
        }
    }
}
