using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Collects last-used times on the request path (a lock-free read, and at most one in-place dictionary write per
/// key and second, no allocation once a key has been seen) and writes them to the store in one batch per
/// interval, never per request. The same batch carries the per-key request and refusal counts of
/// <see cref="KeyUsageCounters"/> to the <see cref="IKeyUsageStore"/>.
/// </summary>
internal sealed partial class KeyUsageRecorder(
    IApiKeyStore store,
    TimeProvider time,
    IOptions<DeclarativeAuthOptions> options,
    ILogger<KeyUsageRecorder> logger,
    KeyUsageCounters? counters = null,
    IKeyUsageStore? usage = null) : BackgroundService
{
    // long (UTC ticks) rather than DateTimeOffset: updating a value of pointer size or less reuses the node.
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public void Record(string keyId, DateTimeOffset at)
    {
        // Last-used is kept to the second. Reading takes no lock and writing takes the bucket's: under load every
        // request on a busy key would queue on that one lock (the end-to-end profile showed it), so a use within a
        // second of the recorded one is skipped.
        var ticks = at.UtcTicks;
        if (_pending.TryGetValue(keyId, out var recorded) && ticks - recorded < TimeSpan.TicksPerSecond)
            return;
        _pending[keyId] = ticks;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await FlushCountsAsync(cancellationToken).ConfigureAwait(false);
        if (_pending.IsEmpty)
            return;
        var batch = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var ticks))
                batch[id] = new DateTimeOffset(ticks, TimeSpan.Zero);
        }
        try
        {
            await store.RecordUsageAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, batch.Count, ex.GetType().Name);
            foreach (var (id, at) in batch)
                _pending.AddOrUpdate(id, at.UtcTicks, (_, existing) => Math.Max(existing, at.UtcTicks));
        }
    }

    // One write per flush for every key's counts, attributed to the minute of the flush (at most one flush interval
    // later than the requests). A failed write puts the counts back: the next flush carries them.
    private async Task FlushCountsAsync(CancellationToken cancellationToken)
    {
        if (counters is null || usage is null)
            return;
        var counts = counters.Drain();
        if (counts.Count == 0)
            return;
        try
        {
            await usage.AddAsync(KeyUsageTime.Floor(time.GetUtcNow(), KeyUsageSpan.Minute), counts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCountsFailed(logger, counts.Count, ex.GetType().Name);
            counters.Return(counts);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UsageFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await FlushAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(20, LogLevel.Warning, "Could not write last-used times of {Count} keys ({Kind}); will retry.")]
    private static partial void LogFlushFailed(ILogger logger, int count, string kind);

    [LoggerMessage(21, LogLevel.Warning, "Could not write {Count} usage counts ({Kind}); will retry.")]
    private static partial void LogCountsFailed(ILogger logger, int count, string kind);
}
