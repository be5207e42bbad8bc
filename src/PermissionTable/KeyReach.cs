using Declarative.Auth.Rules;

namespace Declarative.Auth.Tables;

/// <summary>
/// Least privilege from the table: the smallest permission set that reaches the endpoints a user names, and the
/// endpoints a set of permissions reaches (its blast radius), both by the runtime's grant rule.
/// </summary>
internal static class KeyReach
{
    public const string ApiKey = "apiKey";

    public const string EventWriteKey = "eventWriteKey";

    /// <summary>
    /// The endpoints a key of <paramref name="kind"/> holding <paramref name="permissions"/> gets into, by the
    /// verifier's rule: an event write key reaches every endpoint that accepts event write keys (it holds no
    /// permissions); an API key reaches those whose permissions it meets, and an event-ingestion endpoint that
    /// requires no permission only when it is admin.
    /// </summary>
    public static IReadOnlyList<AccessRow> Reached(IEnumerable<AccessRow> table, IReadOnlyList<string> permissions, string kind = ApiKey)
        => table.Where(r => kind == EventWriteKey
                ? r.KeyKinds.Contains(EventWriteKey)
                : r.KeyKinds.Contains(ApiKey)
                    ? r.Permissions.All(required => permissions.Any(held => PermissionText.Grants(held, required)))
                    : r.KeyKinds.Contains(EventWriteKey) && r.Permissions.Count == 0 && permissions.Contains(PermissionText.Admin))
            .OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The minimal permissions for an API key that reaches every endpoint <paramref name="selectors"/> name
    /// ("GET /api/monitors/*": a method or *, and a route where a * segment is any one segment and a last * any rest).
    /// </summary>
    /// <exception cref="FormatException">A selector that is malformed, matches nothing, or names an endpoint no API key can reach.</exception>
    public static IReadOnlyList<string> MinimalPermissions(IEnumerable<AccessRow> table, IEnumerable<string> selectors)
    {
        var rows = table.ToList();
        var needed = new List<string>();
        foreach (var selector in selectors)
        {
            var parts = selector.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !parts[1].StartsWith('/'))
                throw new FormatException($"'{selector}' is not an endpoint: write 'METHOD /route', e.g. 'GET /api/monitors/*' or '* /api/incidents'");
            var matched = rows.Where(r => Matches(parts[0], parts[1], r)).ToList();
            if (matched.Count == 0)
                throw new FormatException($"'{selector}' matches no endpoint in the table");
            foreach (var row in matched)
            {
                if (row.Access == "public")
                    continue;
                if (!row.KeyKinds.Contains(ApiKey))
                    throw new FormatException($"'{selector}' includes {row.Name}, which no API key can reach ({PermissionChanges.Describe(row)})");
                needed.AddRange(row.Permissions);
            }
        }
        // write:x reaches what read:x does: keep only what nothing else in the set already grants.
        var distinct = needed.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Where(p => !distinct.Any(q => q != p && PermissionText.Grants(q, p))).OrderBy(p => p, StringComparer.Ordinal).ToList();
    }

    private static bool Matches(string method, string route, AccessRow row)
    {
        if (method != "*" && row.Method != "ANY" && !string.Equals(method, row.Method, StringComparison.OrdinalIgnoreCase))
            return false;
        var pattern = PermissionTable.BlankParameters(route).Split('/');
        var segments = PermissionTable.BlankParameters(row.Route).Split('/');
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == "*" && i == pattern.Length - 1)
                return segments.Length >= i;
            if (i >= segments.Length || (pattern[i] != "*" && pattern[i] != segments[i]))
                return false;
        }
        return segments.Length == pattern.Length;
    }
}
