using System.Collections.Concurrent;

namespace Declarative.Auth;

/// <summary>
/// Requests and refusals per key, counted on the request path: a lock-free dictionary read and an interlocked
/// increment on the key's own slots, no allocation once a key has been seen. <see cref="KeyUsageRecorder"/> drains
/// them into the <see cref="IKeyUsageStore"/> in one batch per flush interval, never per request.
/// </summary>
internal sealed class KeyUsageCounters
{
    /// <summary>Slot 0 counts every request of the key (accepted or refused); the others count refusals by code.</summary>
    internal static readonly string[] Codes =
    [
        "",
        AuthErrorCodes.Unauthorized,
        AuthErrorCodes.Forbidden,
        AuthErrorCodes.KeyExpired,
        AuthErrorCodes.KeyRevoked,
        AuthErrorCodes.RateLimited,
        AuthErrorCodes.WorkspaceRequired,
        AuthErrorCodes.WorkspaceMismatch,
        AuthErrorCodes.AuthUnavailable,
        "OTHER",
    ];

    // Entries are never removed: one per key that made a request, a few dozen bytes each; removing one while a request
    // holds its slots would lose that request's count.
    private readonly ConcurrentDictionary<string, long[]> _slots = new(StringComparer.Ordinal);

    /// <summary>A request made with the key.</summary>
    public void Request(string keyId) => Interlocked.Increment(ref Slots(keyId)[0]);

    /// <summary>A request made with the key and refused with <paramref name="code"/> (counted as a request too).</summary>
    public void Refused(string keyId, string code)
    {
        var slots = Slots(keyId);
        Interlocked.Increment(ref slots[0]);
        Interlocked.Increment(ref slots[Index(code)]);
    }

    /// <summary>Takes every count since the previous drain (zeroing it).</summary>
    public List<KeyUsageCount> Drain()
    {
        var counts = new List<KeyUsageCount>();
        foreach (var (keyId, slots) in _slots)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                if (Volatile.Read(ref slots[i]) != 0 && Interlocked.Exchange(ref slots[i], 0) is var n and not 0)
                    counts.Add(new KeyUsageCount(keyId, Codes[i], n));
            }
        }
        return counts;
    }

    /// <summary>Puts back counts a failed write took, so the next flush writes them.</summary>
    public void Return(IEnumerable<KeyUsageCount> counts)
    {
        foreach (var count in counts)
            Interlocked.Add(ref Slots(count.KeyId)[Index(count.Code)], count.Count);
    }

    private long[] Slots(string keyId)
        => _slots.TryGetValue(keyId, out var slots) ? slots : _slots.GetOrAdd(keyId, static _ => new long[Codes.Length]);

    private static int Index(string code)
    {
        for (var i = 0; i < Codes.Length - 1; i++)
        {
            if (string.Equals(Codes[i], code, StringComparison.Ordinal))
                return i;
        }
        return Codes.Length - 1;
    }
}
