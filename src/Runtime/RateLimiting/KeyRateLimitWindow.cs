namespace Declarative.Auth;

/// <summary>
/// A named limit every key has besides its per-minute one, e.g. <c>new() { Name = "day", Limit = 10_000, Window = TimeSpan.FromDays(1) }</c>:
/// counted per key, reported in the rate-limit headers under its name, and named by the 429 it causes.
/// </summary>
public sealed class KeyRateLimitWindow
{
    /// <summary>The name headers and refusals use: letters, digits, '-' and '_' (e.g. <c>day</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Requests (or request cost, see <see cref="KeyRateLimitCostAttribute"/>) a key may spend per window.</summary>
    public int Limit { get; set; }

    /// <summary>How long one window lasts, from a key's first request in it; one second to 31 days.</summary>
    public TimeSpan Window { get; set; }
}
