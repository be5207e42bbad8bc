namespace Declarative.Auth;

/// <summary>
/// A named limit of this endpoint, counted per key on top of the key's own limits, e.g.
/// <c>[KeyRateLimitWindow("exports-hour", 10, "01:00:00")] [KeyRateLimitWindow("exports-day", 100, "1.00:00:00")]</c>.
/// Each request spends the endpoint's cost (<see cref="KeyRateLimitCostAttribute"/>) from every limit that applies;
/// headers list the limit and a 429 names it. Checked when the app starts: a bad name, a limit under 1, a window outside
/// one second to 31 days, or a name used twice stops start-up with an error naming the endpoint.
/// Minimal APIs: <c>.WithKeyRateLimitWindow("exports-hour", 10, TimeSpan.FromHours(1))</c>.
/// </summary>
/// <param name="name">What headers and refusals call it: 1 to 32 letters, digits, '-' or '_'.</param>
/// <param name="limit">Requests (or cost) a key may spend on this endpoint per window; at least 1.</param>
/// <param name="window">The window as a TimeSpan in invariant format ("00:00:30", "01:00:00", "1.00:00:00"); whole seconds.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class KeyRateLimitWindowAttribute(string name, int limit, string window) : Attribute
{
    /// <summary>The limit's name in headers and refusals.</summary>
    public string Name { get; } = name;

    /// <summary>Requests (or cost) a key may spend on this endpoint per window.</summary>
    public int Limit { get; } = limit;

    /// <summary>The window, as written (a TimeSpan in invariant format).</summary>
    public string Window { get; } = window;
}
