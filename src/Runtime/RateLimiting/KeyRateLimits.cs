using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// A key's per-minute window for one request: the endpoint's own limit, else the key's, else the app's. Taken as
/// soon as the key is known to be valid, before the endpoint's requirement is checked, so every response to an
/// authenticated request — a 403 included — carries <c>X-RateLimit-*</c>, and refused requests count too.
/// </summary>
internal sealed class KeyRateLimits(KeyRateLimiter limiter)
{
    /// <summary>False when the window is spent; <paramref name="decision"/> then describes the 429.</summary>
    public bool TryAcquire(HttpContext context, EndpointPolicy policy, ApiKey key, out KeyRateLimiter.Decision decision)
    {
        decision = default;
        if (!limiter.Enabled)
            return true;
        var limit = policy.RateLimitPerMinute ?? key.RateLimitPerMinute ?? limiter.DefaultLimit;
        decision = limiter.Acquire(policy.RatePartitionSuffix.Length == 0 ? key.Id : key.Id + policy.RatePartitionSuffix, limit);
        Refusals.SetRateHeaders(context, decision);
        return decision.Allowed;
    }
}
