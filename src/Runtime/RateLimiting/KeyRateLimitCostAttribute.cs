namespace Declarative.Auth;

/// <summary>What one request to this endpoint spends from each of a key's rate limits (default 1), e.g. 10 for an export.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class KeyRateLimitCostAttribute(int cost) : Attribute
{
    /// <summary>Permits one request takes; at least 1.</summary>
    public int Cost { get; } = cost > 0
        ? cost
        : throw new ArgumentOutOfRangeException(nameof(cost), "A request costs at least 1.");
}
