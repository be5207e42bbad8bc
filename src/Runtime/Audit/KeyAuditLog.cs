using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Records key operations in the <see cref="IKeyAuditStore"/>. A record is written after the operation succeeded and
/// never fails it: an entry the store refuses is kept in memory and retried by <see cref="KeyActivityMaintenance"/>
/// (logged, never dropped silently). Refused management calls are throttled (<see cref="KeyAuditOptions.DeniedPerMinute"/>).
/// </summary>
internal sealed partial class KeyAuditLog(IKeyAuditStore store, TimeProvider time, IOptions<DeclarativeAuthOptions> options, ILogger<KeyAuditLog>? logger = null)
{
    internal const int PurgeBatch = 500;
    private const int MaxPending = 10_000;

    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly ConcurrentQueue<KeyAuditEntry> _pending = new();
    private readonly Lock _deniedGate = new();
    private long _deniedMinute = -1;
    private int _deniedInMinute;
    private int _suppressed;

    internal IKeyAuditStore Store => store;

    internal int PendingCount => _pending.Count;

    public Task RecordAsync(string actor, string action, ApiKey key, string change)
        => AppendAsync(new KeyAuditEntry(time.GetUtcNow(), actor, action, key.Id, change, key.Workspace));

    /// <summary>A refused management call; dropped (and counted) beyond the per-minute bound.</summary>
    public Task RecordDeniedAsync(string actor, string? keyId, string change, string? workspace = null)
    {
        var now = time.GetUtcNow();
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        int suppressed;
        lock (_deniedGate)
        {
            if (minute != _deniedMinute)
            {
                _deniedMinute = minute;
                _deniedInMinute = 0;
            }
            if (++_deniedInMinute > options.Value.Audit.DeniedPerMinute)
            {
                _suppressed++;
                return Task.CompletedTask;
            }
            suppressed = _suppressed;
            _suppressed = 0;
        }
        if (suppressed > 0)
            change += string.Create(CultureInfo.InvariantCulture, $" ({suppressed} more refused calls before this one were not recorded: over {options.Value.Audit.DeniedPerMinute} a minute)");
        return AppendAsync(new KeyAuditEntry(now, actor, KeyAuditEntry.Denied, keyId, change, workspace));
    }

    public Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken)
        => store.ReadAsync(keyId, since, workspace, limit, cancellationToken).WaitAsync(options.Value.StoreTimeout, time, cancellationToken);

    private async Task AppendAsync(KeyAuditEntry entry)
    {
        entry = entry.Bounded();
        try
        {
            // Not the request's token: an operation that happened is recorded even if its caller went away.
            await store.AppendAsync(entry, CancellationToken.None).WaitAsync(options.Value.StoreTimeout, time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Hold(entry, ex);
        }
    }

    private void Hold(KeyAuditEntry entry, Exception ex)
    {
        LogHeld(_logger, entry.Action, entry.KeyId, entry.Actor, ex.GetType().Name);
        if (_pending.Count < MaxPending)
            _pending.Enqueue(entry);
        else
            LogDropped(_logger, entry.Action, entry.KeyId, entry.Actor);
    }

    /// <summary>Writes entries held back by a store failure, oldest first; stops at the first failure.</summary>
    public async Task RetryPendingAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var entry))
        {
            try
            {
                await store.AppendAsync(entry, cancellationToken).WaitAsync(options.Value.StoreTimeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetryFailed(_logger, _pending.Count, ex.GetType().Name);
                return;
            }
            _pending.TryDequeue(out _);
        }
    }

    /// <summary>Deletes entries older than the retention, <see cref="PurgeBatch"/> at a time; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.Audit.Retention;
        var total = 0;
        int removed;
        do
        {
            removed = await store.PurgeAsync(before, PurgeBatch, cancellationToken).ConfigureAwait(false);
            total += removed;
        }
        while (removed == PurgeBatch && !cancellationToken.IsCancellationRequested);
        return total;
    }

    /// <summary>A time as the audit log writes it: UTC, to the second.</summary>
    internal static string Time(DateTimeOffset? at)
        => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";

    [LoggerMessage(70, LogLevel.Warning, "Declarative.Auth: the audit entry '{Action}' of key {KeyId} by {Actor} could not be written ({Kind}); it is held in memory and retried.")]
    private static partial void LogHeld(ILogger logger, string action, string? keyId, string actor, string kind);

    [LoggerMessage(71, LogLevel.Error, "Declarative.Auth: the audit entry '{Action}' of key {KeyId} by {Actor} was dropped: too many entries are waiting for the store.")]
    private static partial void LogDropped(ILogger logger, string action, string? keyId, string actor);

    [LoggerMessage(72, LogLevel.Warning, "Declarative.Auth: {Count} audit entries still wait for the store ({Kind}); will retry.")]
    private static partial void LogRetryFailed(ILogger logger, int count, string kind);
}
