namespace Declarative.Auth;

/// <summary>Audit entries in memory: the default, and what tests use. Lost on restart, like the in-memory keys.</summary>
internal sealed class InMemoryKeyAuditStore : IKeyAuditStore
{
    private readonly List<KeyAuditEntry> _entries = [];
    private readonly Lock _gate = new();

    public Task AppendAsync(KeyAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
            _entries.Add(entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<KeyAuditEntry> found = [.. Enumerable.Range(0, _entries.Count).Reverse().Select(i => _entries[i])
                .Where(e => keyId is null || e.KeyId == keyId)
                .Where(e => since is null || e.At >= since)
                .Where(e => workspace is null || e.Workspace == workspace)
                .OrderByDescending(e => e.At)
                .Take(limit)];
            return Task.FromResult(found);
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset before, int batch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var removed = 0;
            for (var i = 0; i < _entries.Count && removed < batch;)
            {
                if (_entries[i].At < before)
                {
                    _entries.RemoveAt(i);
                    removed++;
                }
                else
                {
                    i++;
                }
            }
            return Task.FromResult(removed);
        }
    }
}
