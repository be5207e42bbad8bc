namespace Declarative.Auth;

/// <summary>
/// Where audit entries are kept. In memory by default; the SQLite and PostgreSQL stores keep them in their own
/// table next to the keys. Entries are appended and purged, never edited.
/// </summary>
internal interface IKeyAuditStore
{
    Task AppendAsync(KeyAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Newest first: entries of <paramref name="keyId"/> (all when null), at or after <paramref name="since"/>, in
    /// <paramref name="workspace"/> (all when null), at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="batch"/> entries older than <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, int batch, CancellationToken cancellationToken = default);
}
