using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>
/// Makes a key's limits hold across instances without a round trip per request. Each instance counts locally, as
/// alone; every <see cref="KeyRateLimitOptions.ReconcileInterval"/> it sends the partitions that changed, in one batch,
/// to <see cref="ISharedRateLimitStore"/> and learns what the other instances counted in the same aligned window. A
/// request is then allowed while (others' count + this instance's count + cost) stays within the limit and while this
/// instance's unsent count stays within its share of what was left at the last reconciliation
/// (what was left less a reserve for the others' unsent counts, split between the instances running); a partition
/// that spent its share refuses until the next reconciliation (at most one interval), without counting. While the store is unreachable every instance limits
/// locally, as if alone (never unlimited), and says so once in the log.
/// </summary>
/// <remarks>
/// Overshoot (tests in Runtime.Tests and Stores.Tests, figures in the README): at most limit + limit / 10 + instances
/// per window; measured 101 to 107 for a limit of 100 with 2 and 4 instances, against 200 and 400 without sharing.
/// A share is counted from the last answer, not the last send, so a batch in flight never hands out a second one.
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
    private int _instances = 1;

    public SharedRateLimits(ISharedRateLimitStore store, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static s => _ = ((SharedRateLimits)s!).FlushAsync(), this, interval, interval);
        // Say at once that this instance runs, so the others split new windows with it from their next batch.
        _ = Task.Run(FlushAsync);
    }

    /// <summary>True while the last reconciliation failed (each instance limits alone).</summary>
    public bool Unreachable => Volatile.Read(ref _unreachable);

    /// <summary>
    /// A new window's share before its first reconciliation: the limit split over the instances the last answer
    /// counted as running (the whole limit until the first answer, one interval after start).
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

    /// <summary>Sends every queued partition's delta in one batch (an empty one still says this instance runs) and applies the answer.</summary>
    public async Task FlushAsync()
    {
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            List<(KeyRateLimiter.Counter Counter, long ResetAt, int Delta, int Sent)> batch;
            lock (_pending)
            {
                batch = new(_pending.Count);
                while (_pending.TryDequeue(out var counter))
                {
                    Volatile.Write(ref counter.Queued, 0);
                    var (resetAt, delta, sent) = counter.TakeDelta();
                    batch.Add((counter, resetAt, delta, sent));
                }
            }
            var deltas = batch.ConvertAll(b => new SharedRateDelta(b.Counter.Partition!, b.Counter.WindowTicks / TimeSpan.TicksPerSecond,
                (b.ResetAt - b.Counter.WindowTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond, b.Delta));
            SharedRateAnswer answer;
            try
            {
                // Every tick, even with nothing to add: the answer also says how many instances run now.
                answer = await _store.AddAsync(deltas, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                foreach (var (counter, resetAt, delta, _) in batch)
                {
                    counter.Unsent(resetAt, delta); // sent again with the next batch; meanwhile this instance limits alone
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
            var instances = Math.Max(1, answer.Instances);
            Volatile.Write(ref _instances, instances);
            for (var i = 0; i < batch.Count; i++)
            {
                var count = answer.Counts[i];
                batch[i].Counter.Reconciled(batch[i].ResetAt, batch[i].Sent, count.Others, Math.Max(instances, count.OtherInstances + 1));
            }
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
