namespace Declarative.Auth;

/// <summary>
/// Where instances of one app reserve their leases on shared limits (the PostgreSQL store implements it). Never called
/// on the request path: <see cref="SharedRateLimits"/> sends every lease that changed in one batch every
/// <see cref="KeyRateLimitOptions.ReconcileInterval"/>.
/// </summary>
internal interface ISharedRateLimitStore
{
    /// <summary>
    /// Notes that this instance is running and, for each request in one atomic step per window, adds its
    /// <see cref="SharedRateRequest.Delta"/> to the window's reserved total (even past the limit: it was spent or given
    /// back already), then grants up to <see cref="SharedRateRequest.Want"/> more but never past the limit. Answers, in
    /// the same order, each grant and the reserved total after it, with the number of instances running now.
    /// </summary>
    /// <exception cref="Exception">The store cannot be reached: the caller keeps limiting locally.</exception>
    Task<SharedRateAnswer> ReserveAsync(IReadOnlyList<SharedRateRequest> requests, CancellationToken cancellationToken);
}

/// <summary>The store's answer to one batch.</summary>
internal readonly record struct SharedRateAnswer(IReadOnlyList<SharedRateGrant> Grants, int Instances);

/// <summary>
/// One window of one partition (window start in Unix seconds, aligned): what this instance holds that the store does
/// not count yet (negative when it gives a lease back) and how much more it wants reserved.
/// </summary>
internal readonly record struct SharedRateRequest(string Partition, long WindowSeconds, long WindowStart, int Limit, int Delta, int Want)
{
    /// <summary>The store's rule (PostgreSQL runs it in SQL; a test compares the two) on a window holding <paramref name="reserved"/>.</summary>
    public SharedRateGrant Apply(long reserved)
    {
        reserved += Delta;
        var granted = (int)Math.Clamp(Limit - reserved, 0, Want);
        return new SharedRateGrant(granted, reserved + granted);
    }
}

/// <summary>What the store granted and the window's reserved total (all instances) after it.</summary>
internal readonly record struct SharedRateGrant(int Granted, long Reserved);
