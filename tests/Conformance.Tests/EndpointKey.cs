using System.Text.RegularExpressions;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// How one endpoint is named across artifacts: its HTTP methods (sorted, <c>*</c> for any) and its route with a
/// leading '/', no trailing '/', route constraints and catch-all stars dropped, compared ignoring case.
/// </summary>
internal sealed partial record EndpointKey(string Methods, string Route)
{
    public static EndpointKey Of(IEnumerable<string>? methods, string? route)
    {
        var list = (methods ?? []).Select(m => m.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();
        return new(list.Length == 0 ? "*" : string.Join(",", list), Normalize(route));
    }

    /// <summary>Parses "GET,PUT /route" (as written in the app's tags).</summary>
    public static EndpointKey Parse(string text)
    {
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
            throw new FormatException($"'{text}' is not 'METHODS /route'.");
        return Of(parts[0] == "*" ? [] : parts[0].Split(','), parts[1]);
    }

    public static string Normalize(string? route)
    {
        if (route is null)
            return "?";
        var trimmed = Parameter().Replace(route.Trim(), m => "{" + m.Groups["name"].Value + "}");
        return "/" + trimmed.Trim('/').ToLowerInvariant();
    }

    public override string ToString() => $"{Methods} {Route}";

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^:}=?]+)[^}]*\}")]
    private static partial Regex Parameter();
}
