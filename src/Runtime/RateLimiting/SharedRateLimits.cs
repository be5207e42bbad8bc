using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>
/// Makes a key's limits hold across instances without a round trip per request. Each instance allows requests only
/// from a lease the database reserved for it (<see cref="SharedLease"/>); every
/// <see cref="KeyRateLimitOptions.ReconcileInterval"/> it sends, in one batch, each lease that changed or ran low and
/// reserves ahead for the next interval, in chunks of a tenth of its part of the limit. The database grants leases in
/// one atomic statement and never past the limit, so the bound is a property of the protocol, not of timing: a late
/// batch makes an instance refuse (it has no lease), never overshoot. While the store is unreachable every instance
/// limits locally, as if alone (never unlimited), and says so once in the log.
/// </summary>
/// <remarks>
/// Bound per window while the store answers: limit + Σ of the instances' first allowances
/// (<see cref="SharedLease.Chunk"/> each, before a window's first answer) ≤ limit + max(instances, limit / 10).
/// Figures in the README ("Limits across instances") and benchmarks/RESULTS.md.
/// </remarks>
internal sealed partial class SharedRateLimits : IDisposable
{
    private readonly ISharedRateLimitStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Queue<SharedLease> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer _timer;
    private bool _unreachable, _unreachableLogged;
    private int _instances = 1;

    public SharedRateLimits(ISharedRateLimitStore store, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _time = time;
        _timer = time.CreateTimer(static s => _ = ((SharedRateLimits)s!).FlushAsync(), this, interval, interval);
        // Say at once that this instance runs, so the others size their chunks with it from their next batch.
        _ = Task.Run(FlushAsync);
    }

    /// <summary>True while the last reconciliation failed (each instance limits alone).</summary>
    public bool Unreachable => Volatile.Read(ref _unreachable);

    /// <summary>The instances running as the last answer counted them (1 until the first answer).</summary>
    public int Instances => Volatile.Read(ref _instances);

    /// <summary>A new window's lease: its first allowance is one chunk, taken before the database is asked.</summary>
    public SharedLease NewLease(string partition, long windowTicks, long resetAtTicks, int limit)
        => new(partition, windowTicks, resetAtTicks, limit, SharedLease.Chunk(limit, Instances));

    /// <summary>Queues <paramref name="lease"/> for the next batch (once until it is sent).</summary>
    public void Changed(SharedLease lease)
    {
        // A plain read first: a busy key's lease is nearly always queued already, and then no request pays for a locked write.
        if (Volatile.Read(ref lease.Queued) != 0 || Interlocked.Exchange(ref lease.Queued, 1) != 0)
            return;
        lock (_pending)
            _pending.Enqueue(lease);
    }

    /// <summary>Sends every queued lease in one batch (an empty one still says this instance runs) and applies the answer.</summary>
    public async Task FlushAsync()
    {
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            List<SharedLease> leases, later = [];
            var now = _time.GetUtcNow().UtcTicks;
            lock (_pending)
            {
                leases = new(_pending.Count);
                var windows = new HashSet<(string, long, long)>();
                while (_pending.TryDequeue(out var lease))
                {
                    Volatile.Write(ref lease.Queued, 0);
                    if (lease.ResetAtTicks <= now)
                        continue; // an ended window's lease is worth nothing to anyone
                    // One row, one request per batch (a window whose limit changed has a second lease): the other waits.
                    if (windows.Add((lease.Partition, lease.WindowSeconds, lease.WindowStart)))
                        leases.Add(lease);
                    else
                        later.Add(lease);
                }
            }
            foreach (var lease in later)
                Changed(lease);
            var instances = Instances;
            var requests = leases.ConvertAll(l =>
            {
                var (delta, want) = l.Ask(instances);
                return new SharedRateRequest(l.Partition, l.WindowSeconds, l.WindowStart, l.Limit, delta, want);
            });
            SharedRateAnswer answer;
            try
            {
                // Every tick, even with nothing to ask: the answer also says how many instances run now.
                answer = await _store.ReserveAsync(requests, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Nothing was confirmed: each delta is sent again with the next batch; meanwhile this instance limits alone.
                Volatile.Write(ref _unreachable, true);
                foreach (var lease in leases)
                    Changed(lease);
                if (!_unreachableLogged)
                    LogUnreachable(_logger, ex.GetType().Name, ex.Message);
                _unreachableLogged = true;
                return;
            }
            if (_unreachableLogged)
                LogReachable(_logger);
            _unreachableLogged = false;
            Volatile.Write(ref _instances, Math.Max(1, answer.Instances));
            for (var i = 0; i < leases.Count; i++)
            {
                var grant = answer.Grants[i];
                leases[i].Answered(requests[i].Delta, grant.Granted, grant.Reserved);
                if (leases[i].Holding)
                    Changed(leases[i]); // its unused lease may go back, or its delta was not sent in full
            }
            Volatile.Write(ref _unreachable, false);
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
