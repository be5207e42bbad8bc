namespace Declarative.Auth;

/// <summary>
/// Where instances of one app add up their rate-limit counts (the PostgreSQL store implements it). Never called on the
/// request path: <see cref="SharedRateLimits"/> sends each partition's local delta in one batch every
/// <see cref="KeyRateLimitOptions.ReconcileInterval"/> (sooner when a partition spends its share).
/// </summary>
internal interface ISharedRateLimitStore
{
    /// <summary>
    /// Notes that this instance is running, adds each delta (possibly none) to this instance's count of its
    /// (partition, window, window start), and answers, in the same order, what every other instance has counted
    /// there and how many other instances counted, with the number of instances running now (this one included).
    /// </summary>
    /// <exception cref="Exception">The store cannot be reached: the caller keeps limiting locally.</exception>
    Task<SharedRateAnswer> AddAsync(IReadOnlyList<SharedRateDelta> deltas, CancellationToken cancellationToken);
}

/// <summary>The store's answer to one batch.</summary>
internal readonly record struct SharedRateAnswer(IReadOnlyList<SharedRateCount> Counts, int Instances);

/// <summary>This instance's new requests in one window of one partition (window start in Unix seconds, aligned).</summary>
internal readonly record struct SharedRateDelta(string Partition, long WindowSeconds, long WindowStart, int Delta);

/// <summary>What the other instances counted in that window, and how many of them did.</summary>
internal readonly record struct SharedRateCount(long Others, int OtherInstances);
