namespace Declarative.Auth;

/// <summary>Which rate-limit headers authenticated responses carry.</summary>
[Flags]
public enum RateLimitHeaders
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c> (epoch seconds) for the limit closest to running out.</summary>
    XRateLimit = 1,

    /// <summary>
    /// <c>RateLimit-Policy</c> and <c>RateLimit</c> as in draft-ietf-httpapi-ratelimit-headers, one item per named
    /// limit: <c>RateLimit-Policy: "minute";q=100;w=60</c>, <c>RateLimit: "minute";r=50;t=30</c>.
    /// </summary>
    Standard = 2,
}
