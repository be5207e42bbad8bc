namespace Declarative.Auth;

/// <summary>
/// One instance's lease on one window of a shared limit: how much of the limit the database reserved for this
/// instance (granted) and how much of it requests took (used). A request is allowed only from the lease, so the
/// instances together never take more than the database handed out, however late a batch is; the database never hands
/// out more than the limit (one atomic statement per batch, <see cref="ISharedRateLimitStore"/>).
/// </summary>
/// <remarks>
/// <para>
/// Two exceptions, both bounded and both reported to the database with the next batch (as <c>Delta</c>, which it adds
/// even past the limit so the others stop): a window's first allowance of <see cref="Chunk"/>, taken before the first
/// answer so a window's first request never waits for a round trip; and, while the store cannot be reached, what the
/// instance allows as if alone (never more than the limit less what the others had reserved at the last answer).
/// Hence, while the store answers: allowed per window ≤ limit + Σ over instances of their first allowance
/// ≤ limit + max(instances, limit / 10).
/// </para>
/// <para>
/// Used and granted live in one <see cref="long"/> changed by compare-and-swap, so a request never takes a lease
/// another request took at the same moment (used ≤ granted always holds). Everything else is the flusher's
/// (<see cref="SharedRateLimits"/>, one batch at a time).
/// </para>
/// </remarks>
internal sealed class SharedLease
{
    private long _state; // granted << 32 | used

    // The flusher's alone (one batch at a time): what the database counts for this instance, and `used` at the last ask.
    private int _confirmed;
    private int _usedAtLastAsk;
    private int _refused;
    private int _instances = 1;

    public SharedLease(string partition, long windowTicks, long resetAtTicks, int limit, int firstAllowance)
    {
        Partition = partition;
        WindowSeconds = windowTicks / TimeSpan.TicksPerSecond;
        WindowStart = (resetAtTicks - windowTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond;
        ResetAtTicks = resetAtTicks;
        Limit = limit;
        _state = (long)Math.Min(firstAllowance, limit) << 32;
    }

    public string Partition { get; }

    public long WindowSeconds { get; }

    /// <summary>The window's start in Unix seconds, aligned to the clock: the same on every instance.</summary>
    public long WindowStart { get; }

    public long ResetAtTicks { get; }

    public int Limit { get; }

    /// <summary>Requests this instance allowed in the window.</summary>
    public int Used => (int)(Volatile.Read(ref _state) & uint.MaxValue);

    /// <summary>How much of the limit this instance may use (what the database granted it, and its first allowance).</summary>
    public int Granted => (int)(Volatile.Read(ref _state) >> 32);

    /// <summary>What the other instances had reserved at the last answer (for <c>Remaining</c>, and the limit while alone).</summary>
    public int Others;

    /// <summary>1 while the lease waits in the next batch.</summary>
    public int Queued;

    /// <summary>What is left of the limit for this instance as far as it knows.</summary>
    public int Remaining => Math.Max(0, Limit - Volatile.Read(ref Others) - Used);

    /// <summary>The reserve-ahead step: a tenth of an instance's part of the limit (at least one request).</summary>
    public static int Chunk(int limit, int instances) => Math.Max(1, limit / (10 * Math.Max(1, instances)));

    /// <summary>
    /// Takes <paramref name="cost"/> from the lease. While <paramref name="alone"/> (the store cannot be reached) the
    /// instance may go past its lease up to the limit less the others' last known reservations; what it takes so is
    /// added to the lease (and sent as a delta once the store answers).
    /// </summary>
    public bool TryTake(int cost, bool alone)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var used = (int)(state & uint.MaxValue);
            var granted = (int)(state >> 32);
            long next;
            if ((long)used + cost <= granted)
                next = state + cost;
            else if (alone && (long)used + cost + Volatile.Read(ref Others) <= Limit)
                next = ((long)(used + cost) << 32) | (uint)(used + cost);
            else
            {
                Interlocked.Increment(ref _refused); // demand the next ask covers
                return false;
            }
            if (Interlocked.CompareExchange(ref _state, next, state) == state)
                return true;
        }
    }

    /// <summary>
    /// Gives back <paramref name="cost"/> a request took when another limit refused it: the lease may be used again
    /// (what the database granted is unchanged). False when less than that was taken.
    /// </summary>
    public bool Untake(int cost)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var used = (int)(state & uint.MaxValue);
            if (used < cost)
                return false;
            if (Interlocked.CompareExchange(ref _state, state - cost, state) == state)
                return true;
        }
    }

    /// <summary>
    /// What to send for this lease now: the change in what this instance holds that the database does not know yet
    /// (first allowance, spending while alone, a lease given back) and how much more to reserve ahead, sized to the
    /// demand since the last ask (between one and four chunks). When the window's pool runs low, a lease nothing asked
    /// for during an interval goes back down to one chunk, so an idle instance keeps the others waiting for at most that.
    /// </summary>
    public (int Delta, int Want) Ask(int instances)
    {
        var chunk = Chunk(Limit, instances);
        var used = Used;
        var demand = used - _usedAtLastAsk + Interlocked.Exchange(ref _refused, 0);
        _usedAtLastAsk = used;
        var unused = Granted - used;
        _instances = instances;
        if (demand == 0 && unused > chunk && PoolLow)
            unused -= GiveBack(keep: chunk); // one chunk stays, so a slow but steady client is not refused for it
        var target = Math.Clamp(demand, chunk, 4 * chunk);
        return (Granted - _confirmed, demand == 0 ? 0 : Math.Max(0, target - unused));
    }

    /// <summary>The database took the batch: it now counts <paramref name="delta"/> + <paramref name="grant"/> more for this instance.</summary>
    public void Answered(int delta, int grant, long reserved)
    {
        _confirmed += delta + grant;
        if (grant > 0)
            Interlocked.Add(ref _state, (long)grant << 32);
        Volatile.Write(ref Others, (int)Math.Clamp(reserved - _confirmed, 0, int.MaxValue / 2));
        // The others already took the window (first allowances or spending while alone pushed it past the limit): what
        // this instance has not used goes back with the next batch instead of adding to the overshoot.
        if (reserved > Limit && Granted > Used)
            GiveBack(keep: 0);
    }

    /// <summary>True while the lease has something to send: a delta not sent, or more than a chunk unused while the pool is low.</summary>
    public bool Holding => Granted != _confirmed || (Granted - Used > Chunk(Limit, _instances) && (WindowSeconds <= 60 || PoolLow));

    // Little of the window is left to grant: an unused lease then keeps the others waiting. A minute's lease stays in
    // the batches for the rest of its minute anyway; a day's is not sent every interval just because this instance
    // holds some of it (an instance that went idle before the pool ran low keeps up to four chunks of it).
    private bool PoolLow => Limit - Volatile.Read(ref Others) - _confirmed < _instances * 4 * Chunk(Limit, _instances);

    // Shrinks the unused lease to `keep` (a request may be taking it right now: never below used); returns what went back.
    private int GiveBack(int keep)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var used = (int)(state & uint.MaxValue);
            var granted = (int)(state >> 32);
            var kept = Math.Min(granted, used + keep);
            if (Interlocked.CompareExchange(ref _state, ((long)kept << 32) | (uint)used, state) == state)
                return granted - kept;
        }
    }
}
