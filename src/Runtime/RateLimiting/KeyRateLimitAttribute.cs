using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>Overrides the per-key rate limit for this endpoint (requests per minute per key).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class KeyRateLimitAttribute(int requestsPerMinute) : Attribute
{
    /// <summary>Requests a key may make to this endpoint in one minute.</summary>
    public int RequestsPerMinute { get; } = requestsPerMinute > 0
        ? requestsPerMinute
        : throw new ArgumentOutOfRangeException(nameof(requestsPerMinute), "A rate limit is at least 1 request per minute.");
}
