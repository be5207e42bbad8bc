namespace Declarative.Auth;

/// <summary>Per-key rate limits.</summary>
public sealed class KeyRateLimitOptions
{
    /// <summary>Whether keys are rate limited at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests a key may make per minute, unless the key or the endpoint says otherwise.</summary>
    public int RequestsPerMinute { get; set; } = 100;

    /// <summary>Failed authentications a client address may make per minute before it gets 429 (brute-force guard).</summary>
    public int FailedAttemptsPerMinute { get; set; } = 30;
}
