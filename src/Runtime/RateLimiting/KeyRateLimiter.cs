using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Per-key (and per client address, for failed attempts) fixed one-minute windows, and the app's named windows
/// per key (a day, an hour). A window starts with its partition's first request and counts a request's cost with
/// one <see cref="Interlocked.Add(ref int, int)"/>; the only lock is
/// the partition's own, taken once per window to start the next one. Windows roll over on
/// <see cref="TimeProvider"/>'s clock, so windows, <c>X-RateLimit-Reset</c> and tests agree on one clock.
/// </summary>
/// <remarks>
/// <para>
/// Not System.Threading.RateLimiting's <c>FixedWindowRateLimiter</c>: its replenishment reads the machine clock,
/// each instance holds a lock, a queue and a timer (about 1 KB per address), and the statistics that give
/// <c>X-RateLimit-Remaining</c> allocate. A window here is a counter, a limit and an end.
/// </para>
/// <para>
/// Partitions live in two <see cref="GenerationalTable{TKey,TValue}"/>s, so memory is bounded and no request
/// scans anything: client addresses (anyone can bring new ones) apart from keys (only the store makes new ones),
/// so a flood of addresses never evicts a key's window.
/// </para>
/// <para>
/// With a store that can share counts (PostgreSQL) and <see cref="KeyRateLimitOptions.ShareAcrossInstances"/>, key
/// windows are aligned to the clock (a minute starts on the minute) so every instance counts the same window, and
/// <see cref="SharedRateLimits"/> reconciles them in the background: a request then takes from this instance's lease
/// (<see cref="SharedLease"/>) instead of the local count. Without one, nothing on the request path changes.
/// </para>
/// </remarks>
internal sealed class KeyRateLimiter : IDisposable
{
    /// <summary>How the middleware names a client-address partition; such partitions go to the address table.</summary>
    internal const string ClientPrefix = "ip|";

    /// <summary>Client addresses tracked at once by default (~170 B each, see benchmarks/RESULTS.md).</summary>
    internal const int DefaultClientCapacity = 100_000;

    /// <summary>Key partitions (key × endpoint limit) tracked at once by default.</summary>
    internal const int DefaultKeyCapacity = 100_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly KeyRateLimitOptions _options;
    private readonly GenerationalTable<string, Counter> _keys;
    private readonly GenerationalTable<string, Counter> _clients;
    private readonly (KeyRateLimitWindow Options, long Ticks, GenerationalTable<string, Counter> Table, string SharedPrefix)[] _windows;
    private readonly SharedRateLimits? _shared;
    private readonly int _keyCapacity;
    private long _lastFailureTicks = long.MinValue;

    public KeyRateLimiter(TimeProvider time, IOptions<DeclarativeAuthOptions> options, ISharedRateLimitStore? shared = null, ILogger<KeyRateLimiter>? logger = null)
        : this(time, options, DefaultKeyCapacity, DefaultClientCapacity, shared, logger)
    {
    }

    internal KeyRateLimiter(TimeProvider time, IOptions<DeclarativeAuthOptions> options, int keyCapacity, int clientCapacity,
        ISharedRateLimitStore? shared = null, ILogger? logger = null)
    {
        _time = time;
        _options = options.Value.RateLimits;
        _keyCapacity = keyCapacity;
        _keys = new(keyCapacity, Window, time, StringComparer.Ordinal);
        _clients = new(clientCapacity, Window, time, StringComparer.Ordinal);
        // One table per named window, aged by its own length, so a day's count is not forgotten after two minutes.
        // The prefix of a window's shared row is made here, not per request.
        _windows = [.. _options.Windows.Select(w => (w, w.Window.Ticks, new GenerationalTable<string, Counter>(keyCapacity, w.Window, time, StringComparer.Ordinal), w.Name + "|"))];
        if (shared is not null && _options.Enabled && _options.ShareAcrossInstances)
            _shared = new SharedRateLimits(shared, time, _options.ReconcileInterval, logger ?? NullLogger.Instance);
    }

    /// <summary>The reconciliation with other instances, when counts are shared.</summary>
    internal SharedRateLimits? Shared => _shared;

    public void Dispose() => _shared?.Dispose();

    /// <summary>The per-minute limit's name, for headers and refusals.</summary>
    public string Name => _options.Name;

    /// <summary>The named windows every key has besides the per-minute one.</summary>
    public int WindowCount => _windows.Length;

    public KeyRateLimitWindow WindowAt(int index) => _windows[index].Options;

    public RateLimitHeaders Headers => _options.Headers;

    public bool Enabled => _options.Enabled;

    public int DefaultLimit => _options.RequestsPerMinute;

    public int FailedAttemptsLimit => _options.FailedAttemptsPerMinute;

    /// <summary>Client-address partitions held now (for tests and diagnostics: takes the table's locks).</summary>
    internal int TrackedClients => _clients.Count;

    /// <summary>A key partition's per-minute window, for tests and diagnostics.</summary>
    internal Counter? KeyWindow(string partition) => _keys.TryGet(partition, out var counter) ? counter : null;

    /// <summary>The most client-address partitions held at once.</summary>
    internal int ClientCapacity => _clients.Capacity;

    /// <summary>Records that a client failed to authenticate now.</summary>
    public void NoteFailure() => Volatile.Write(ref _lastFailureTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>True when some client failed within the last window, i.e. a client partition may be exhausted.</summary>
    public bool HadFailuresRecently
    {
        get
        {
            var last = Volatile.Read(ref _lastFailureTicks);
            return last != long.MinValue && _time.GetUtcNow().UtcTicks - last < Window.Ticks;
        }
    }

    /// <summary>
    /// One limit's state after a request: <see cref="Index"/> -1 for the per-minute limit, 0 to
    /// <see cref="WindowCount"/> - 1 for the app's named windows, then the endpoint's own limits in declaration order.
    /// <see cref="Counted"/>: the request's cost was added, so it can be given back (<see cref="Refund(string, Decision, int)"/>) if another
    /// limit refuses the request; <see cref="WindowEnd"/> names the window it was added to.
    /// </summary>
    public readonly record struct Decision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds, int Index = -1,
        bool Counted = false, long WindowEnd = 0);

    /// <summary>Takes <paramref name="cost"/> from <paramref name="partition"/>'s one-minute window of <paramref name="limit"/>.</summary>
    public Decision Acquire(string partition, int limit, int cost = 1)
    {
        var table = TableFor(partition);
        return Acquire(table, partition, limit, cost, Window.Ticks, -1, null, table == _clients ? null : _shared);
    }

    /// <summary>Takes <paramref name="cost"/> from the key's named window <paramref name="index"/>.</summary>
    public Decision AcquireWindow(int index, string keyId, int cost)
    {
        var (options, ticks, table, prefix) = _windows[index];
        return Acquire(table, keyId, options.Limit, cost, ticks, index, prefix, _shared);
    }

    /// <summary>
    /// Takes <paramref name="cost"/> from the key's count of an endpoint's own limit (<see cref="KeyRateLimitWindowAttribute"/>),
    /// reported as <paramref name="index"/>. Each endpoint limit has its own table keyed by key id, so nothing is
    /// concatenated per request; it is made on the limit's first request and aged by the limit's window.
    /// </summary>
    public Decision AcquireEndpoint(EndpointRateLimit limit, int index, string keyId, int cost)
        => Acquire(CountersFor(limit), keyId, limit.Limit, cost, limit.Window.Ticks, index, limit.SharedPrefix, _shared);

    /// <summary>The key partitions of <paramref name="limit"/> (made on first use: the policy is compiled before any limiter exists).</summary>
    internal GenerationalTable<string, Counter> CountersFor(EndpointRateLimit limit)
    {
        var counters = Volatile.Read(ref limit.Counters);
        if (counters is not null)
            return counters;
        Interlocked.CompareExchange(ref limit.Counters, new GenerationalTable<string, Counter>(_keyCapacity, limit.Window, _time, StringComparer.Ordinal), null);
        return limit.Counters;
    }

    /// <summary>
    /// Gives back what <paramref name="decision"/> took from <paramref name="partition"/>'s counter in
    /// <paramref name="table"/>, when another limit refused the request: a refused request spends nothing. Only in the
    /// window it was taken from (a window that started meanwhile keeps its count).
    /// </summary>
    private void Refund(GenerationalTable<string, Counter> table, string partition, Decision decision, int cost)
    {
        if (!decision.Counted || !table.TryGet(partition, out var counter))
            return;
        if (counter.Partition is not null && _shared is not null)
        {
            // Shared: back to the lease it was taken from (a new window has a new lease, which keeps its count).
            var lease = Volatile.Read(ref counter.Lease);
            if (lease is not null && lease.ResetAtTicks == decision.WindowEnd && lease.Untake(cost))
                _shared.Changed(lease);
            return;
        }
        lock (counter)
        {
            if (counter.ResetAtTicks != decision.WindowEnd)
                return;
            Interlocked.Add(ref counter.Used, -cost);
        }
    }

    /// <summary>Gives back the per-minute limit's share of a refused request.</summary>
    public void Refund(string partition, Decision decision, int cost) => Refund(TableFor(partition), partition, decision, cost);

    /// <summary>Gives back a named window's share of a refused request.</summary>
    public void RefundWindow(int index, string keyId, Decision decision, int cost) => Refund(_windows[index].Table, keyId, decision, cost);

    /// <summary>Gives back an endpoint limit's share of a refused request.</summary>
    public void RefundEndpoint(EndpointRateLimit limit, string keyId, Decision decision, int cost) => Refund(CountersFor(limit), keyId, decision, cost);

    private Decision Acquire(GenerationalTable<string, Counter> table, string partition, int limit, int cost, long windowTicks, int index, string? sharedPrefix, SharedRateLimits? shared)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var counter = table.GetOrAdd(partition, static (p, s) => NewCounter(p, s.limit, s.now, s.windowTicks, s.sharedPrefix, s.shared),
            (limit, now, windowTicks, sharedPrefix, shared));
        if (now >= Volatile.Read(ref counter.ResetAtTicks) || counter.Limit != limit)
            counter.StartWindow(now, limit, windowTicks, shared);
        if (shared is not null)
        {
            // Only from this instance's lease (SharedLease): the database never leased more than the limit.
            var lease = Volatile.Read(ref counter.Lease)!;
            var allowed = lease.TryTake(cost, shared.Unreachable);
            shared.Changed(lease);
            var decision = Describe(counter, limit, allowed, lease.Remaining, now) with { Index = index, Counted = allowed, WindowEnd = lease.ResetAtTicks };
            // Refused with some of the limit left elsewhere: a lease may come with the next batch (one interval).
            return allowed || lease.Remaining < cost ? decision : decision with { RetryAfterSeconds = 1 };
        }
        // The window read before adding: a refund goes back to it only (a racing start of the next one zeroes Used first).
        var end = Volatile.Read(ref counter.ResetAtTicks);
        var used = Interlocked.Add(ref counter.Used, cost);
        return Describe(counter, limit, used <= limit, Math.Max(0, limit - used), now) with { Index = index, Counted = true, WindowEnd = end };
    }

    private static Counter NewCounter(string partition, int limit, long now, long windowTicks, string? sharedPrefix, SharedRateLimits? shared)
    {
        if (shared is null)
            return new Counter(limit, now + windowTicks);
        // The row other instances add to: one per partition and window (a named window of the same length as the
        // per-minute one must not share its row; an endpoint's limit is prefixed with its name and its endpoint).
        var name = sharedPrefix + partition;
        var end = Counter.AlignedEnd(now, windowTicks);
        return new Counter(limit, end) { Partition = name, WindowTicks = windowTicks, Lease = shared.NewLease(name, windowTicks, end, limit) };
    }

    /// <summary>True when <paramref name="partition"/> has no permits left in its current window.</summary>
    public bool IsExhausted(string partition, int limit, out Decision decision)
    {
        decision = default;
        var now = _time.GetUtcNow().UtcTicks;
        if (!TableFor(partition).TryGet(partition, out var counter)
            || now >= Volatile.Read(ref counter.ResetAtTicks) || counter.Limit != limit)
            return false;
        decision = Describe(counter, limit, allowed: false, remaining: 0, now);
        return Volatile.Read(ref counter.Used) >= limit;
    }

    private GenerationalTable<string, Counter> TableFor(string partition)
        => partition.StartsWith(ClientPrefix, StringComparison.Ordinal) ? _clients : _keys;

    private static Decision Describe(Counter counter, int limit, bool allowed, int remaining, long now)
    {
        var resetAt = Volatile.Read(ref counter.ResetAtTicks);
        var retryAfter = (int)Math.Max(1, Math.Ceiling((double)(resetAt - now) / TimeSpan.TicksPerSecond));
        var resetUnix = (resetAt - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond;
        return new Decision(allowed, limit, remaining, resetUnix, retryAfter);
    }

    /// <summary>One partition's current window (and, when counts are shared, what is known of the other instances).</summary>
    internal sealed class Counter(int limit, long resetAtTicks)
    {
        public int Limit = limit;
        public long ResetAtTicks = resetAtTicks;
        public int Used;

        // Shared counts only: this instance's lease on the current window (SharedLease), and the row's name.
        public SharedLease? Lease;
        public string? Partition;
        public long WindowTicks;

        /// <summary>The end of the clock-aligned window holding <paramref name="now"/>: the same on every instance.</summary>
        public static long AlignedEnd(long now, long windowTicks) => now - now % windowTicks + windowTicks;

        /// <summary>
        /// Starts a window at <paramref name="now"/> unless a racing request already did. The count is zeroed
        /// before the new end is published, so a request that sees the new end counts in the new window.
        /// </summary>
        public void StartWindow(long now, int limit, long windowTicks, SharedRateLimits? shared)
        {
            lock (this)
            {
                if (now < ResetAtTicks && Limit == limit)
                    return;
                Volatile.Write(ref Used, 0);
                Limit = limit;
                var end = shared is null ? now + windowTicks : AlignedEnd(now, windowTicks);
                if (shared is not null)
                    Volatile.Write(ref Lease, shared.NewLease(Partition!, windowTicks, end, limit));
                Volatile.Write(ref ResetAtTicks, end);
            }
        }
    }
}
