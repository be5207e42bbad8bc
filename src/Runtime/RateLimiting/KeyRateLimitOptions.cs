namespace Declarative.Auth;

/// <summary>Per-key rate limits.</summary>
public sealed class KeyRateLimitOptions
{
    /// <summary>Whether keys are rate limited at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests a key may make per minute, unless the key or the endpoint says otherwise.</summary>
    public int RequestsPerMinute { get; set; } = 100;

    /// <summary>
    /// What the per-minute limit is called in headers and refusals (<c>RateLimit: "minute";r=…</c>).
    /// </summary>
    public string Name { get; set; } = "minute";

    /// <summary>Named limits every key has besides the per-minute one (e.g. a daily quota).</summary>
    public List<KeyRateLimitWindow> Windows { get; } = [];

    /// <summary>Which headers report the limits: both kinds by default.</summary>
    public RateLimitHeaders Headers { get; set; } = RateLimitHeaders.XRateLimit | RateLimitHeaders.Standard;

    /// <summary>
    /// With a store that can share counts (the PostgreSQL store), whether a key's limits hold across all instances
    /// (default) rather than per instance. Counting stays local; instances reconcile every <see cref="ReconcileInterval"/>.
    /// </summary>
    public bool ShareAcrossInstances { get; set; } = true;

    /// <summary>
    /// How often instances add up their counts when <see cref="ShareAcrossInstances"/> is on (one batched query per
    /// instance per interval, never one per request). Shorter means less overshoot and more queries. Default 200 ms.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failed authentications a client address may make per minute before it gets 429 (brute-force guard).</summary>
    public int FailedAttemptsPerMinute { get; set; } = 30;
}
