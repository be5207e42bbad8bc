namespace Declarative.Auth;

/// <summary>
/// How many key lookups may reach the store: at most <c>perSecond</c> started per second and <c>concurrent</c>
/// at once. Only keys missing from the cache need a lookup, and anyone can mint format-valid keys (the checksum
/// is public), so without this bound a flood of unknown keys is a flood of database queries. Lock-free: one
/// <see cref="Interlocked"/> add per admitted lookup, a lock once per second to start the next second.
/// </summary>
/// <remarks>
/// Low-priority lookups (from an address already past its failed-attempt limit) may use only the first half of a
/// second's budget, so such addresses cannot take the lookups other clients' cold keys need.
/// </remarks>
internal sealed class StoreLookupBudget(int perSecond, int concurrent, TimeProvider time)
{
    /// <summary>Default lookups per second: a SQLite lookup is ~35 µs of CPU, so ~4% of one core at most.</summary>
    internal const int DefaultPerSecond = 1_000;

    /// <summary>Default lookups in flight at once (a PostgreSQL pool holds 100 connections by default).</summary>
    internal const int DefaultConcurrent = 32;

    private readonly Lock _rolling = new();
    private long _second = long.MinValue;
    private int _started;
    private int _inFlight;

    public int PerSecond => perSecond;

    /// <summary>Takes a lookup from the budget; false when this second's or the concurrent share is used up.</summary>
    public bool TryStart(bool lowPriority)
    {
        var second = time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond;
        if (second != Volatile.Read(ref _second))
        {
            lock (_rolling)
            {
                if (second != _second)
                {
                    Volatile.Write(ref _started, 0);
                    Volatile.Write(ref _second, second);
                }
            }
        }
        if (Volatile.Read(ref _started) >= (lowPriority ? perSecond / 2 : perSecond))
            return false;
        if (Interlocked.Increment(ref _inFlight) > concurrent)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }
        Interlocked.Increment(ref _started);
        return true;
    }

    /// <summary>Returns a lookup's concurrent share when it has finished.</summary>
    public void Finished() => Interlocked.Decrement(ref _inFlight);
}
