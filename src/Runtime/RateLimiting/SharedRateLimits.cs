using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>
/// Makes a key's limits hold across instances without a round trip per request. Each instance counts locally, as
/// alone; every <see cref="KeyRateLimitOptions.ReconcileInterval"/> it sends the partitions that changed, in one batch,
/// to <see cref="ISharedRateLimitStore"/> and learns what the other instances counted in the same aligned window. A
/// request is then allowed while (others' count + this instance's count + cost) stays within the limit and while this
/// instance's unsent count stays within its share of what was left at the last reconciliation
/// (<c>max(1, (limit - known total) / instances)</c>); a partition that spends its share is sent at once, and its
/// requests are refused meanwhile (without being counted). While the store is unreachable every instance limits
/// locally, as if alone (never unlimited), and says so once in the log.
/// </summary>
/// <remarks>
/// Overshoot: with instances reconciling on the same period, the shares of one round add up to what was left, so a
/// window allows at most <c>limit + instances - 1</c> (a share never rounds below one request). An instance that
/// stalls between reconciliations can still spend the share it was given: at most <c>ceil(limit / instances)</c> past
/// what the others saw. Measured figures: README, "Limits across instances".
/// </remarks>
internal sealed partial class SharedRateLimits : IDisposable
{
    private readonly ISharedRateLimitStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Queue<KeyRateLimiter.Counter> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer _timer;
    private bool _unreachable;
    private int _soon;
    private int _instances = 1;

    public SharedRateLimits(ISharedRateLimitStore store, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static s => _ = ((SharedRateLimits)s!).FlushAsync(), this, interval, interval);
    }

    /// <summary>True while the last reconciliation failed (each instance limits alone).</summary>
    public bool Unreachable => Volatile.Read(ref _unreachable);

    /// <summary>
    /// A new window's share before its first reconciliation: the limit split over the instances the last answer
    /// counted (the whole limit until any answer came).
    /// </summary>
    public int FirstShare(int limit) => Math.Max(1, limit / Volatile.Read(ref _instances));

    /// <summary>Queues <paramref name="counter"/> for the next batch (once until it is sent).</summary>
    public void Changed(KeyRateLimiter.Counter counter)
    {
        if (Interlocked.Exchange(ref counter.Queued, 1) != 0)
            return;
        lock (_pending)
            _pending.Enqueue(counter);
    }

    /// <summary>A partition spent its share: send now rather than at the next tick (one batch in flight at a time).</summary>
    public void Soon(KeyRateLimiter.Counter counter)
    {
        Changed(counter);
        if (Interlocked.Exchange(ref _soon, 1) == 0)
            _ = Task.Run(FlushAsync);
    }

    /// <summary>Sends every queued partition's delta in one batch and applies the answer.</summary>
    public async Task FlushAsync()
    {
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _soon, 0);
            List<(KeyRateLimiter.Counter Counter, long ResetAt, int Sent)> batch;
            lock (_pending)
            {
                batch = new(_pending.Count);
                while (_pending.TryDequeue(out var counter))
                {
                    Volatile.Write(ref counter.Queued, 0);
                    var (resetAt, sent) = counter.TakeDelta();
                    batch.Add((counter, resetAt, sent));
                }
            }
            if (batch.Count == 0)
                return;
            var deltas = batch.ConvertAll(b => new SharedRateDelta(b.Counter.Partition!, b.Counter.WindowTicks / TimeSpan.TicksPerSecond,
                (b.ResetAt - b.Counter.WindowTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond, b.Sent));
            IReadOnlyList<SharedRateCount> counts;
            try
            {
                counts = await _store.AddAsync(deltas, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                foreach (var (counter, resetAt, sent) in batch)
                {
                    counter.Unsent(resetAt, sent); // sent again with the next batch; meanwhile this instance limits alone
                    Changed(counter);
                }
                if (!_unreachable)
                    LogUnreachable(_logger, ex.GetType().Name, ex.Message);
                Volatile.Write(ref _unreachable, true);
                return;
            }
            if (_unreachable)
                LogReachable(_logger);
            Volatile.Write(ref _unreachable, false);
            var instances = 1;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Counter.Reconciled(batch[i].ResetAt, counts[i].Others, counts[i].OtherInstances + 1);
                instances = Math.Max(instances, counts[i].OtherInstances + 1);
            }
            Volatile.Write(ref _instances, instances);
        }
        finally
        {
            _flushing.Release();
        }
    }

    // The semaphore is not disposed: a tick already running may still release it (it holds no wait handle).
    public void Dispose() => _timer.Dispose();

    [LoggerMessage(60, LogLevel.Warning, "Shared rate limits cannot be reconciled ({Kind}: {Reason}); each instance limits keys on its own until the store answers again.")]
    private static partial void LogUnreachable(ILogger logger, string kind, string reason);

    [LoggerMessage(61, LogLevel.Information, "Shared rate limits reconcile again; limits hold across instances.")]
    private static partial void LogReachable(ILogger logger);
}
