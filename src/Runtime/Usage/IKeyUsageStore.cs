namespace Declarative.Auth;

/// <summary>
/// Where per-key usage is kept: counts per minute and per hour, added to (several instances add to the same rows).
/// In memory by default; SQLite and PostgreSQL keep it in their own table next to the keys.
/// </summary>
internal interface IKeyUsageStore
{
    /// <summary>
    /// Adds <paramref name="counts"/> to the minute starting at <paramref name="minute"/> and to the hour containing
    /// it: one call per flush, whatever the number of requests.
    /// </summary>
    Task AddAsync(DateTimeOffset minute, IReadOnlyList<KeyUsageCount> counts, CancellationToken cancellationToken = default);

    /// <summary>The key's buckets of <paramref name="span"/> starting at or after <paramref name="from"/>, oldest first.</summary>
    Task<IReadOnlyList<KeyUsageBucket>> ReadAsync(string keyId, KeyUsageSpan span, DateTimeOffset from, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="batch"/> buckets of <paramref name="span"/> starting before <paramref name="before"/>.</summary>
    Task<int> PurgeAsync(KeyUsageSpan span, DateTimeOffset before, int batch, CancellationToken cancellationToken = default);
}
