using System.Text.Json;

namespace Declarative.Auth.Tables;

/// <summary>Reads a permissions.json (the generated permission docs) into one row per endpoint and method.</summary>
internal static class PermissionTable
{
    /// <summary>The rows of <paramref name="json"/>, keyed by <see cref="MatchKey"/>.</summary>
    /// <exception cref="FormatException">Not a permissions.json this version understands; the message says why.</exception>
    public static IReadOnlyDictionary<string, AccessRow> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number)
                throw new FormatException("not a permissions.json: no \"schemaVersion\"");
            if (version.GetInt32() != 1)
                throw new FormatException($"schemaVersion {version.GetInt32()} is not supported (this tool reads 1)");
            var rows = new Dictionary<string, AccessRow>(StringComparer.Ordinal);
            foreach (var section in new[] { "endpoints", "undeclared" })
            {
                if (!root.TryGetProperty(section, out var list))
                    continue;
                if (list.ValueKind != JsonValueKind.Array)
                    throw new FormatException($"\"{section}\" is not an array");
                foreach (var endpoint in list.EnumerateArray())
                {
                    foreach (var row in Rows(endpoint))
                        rows[MatchKey(row)] = row;
                }
            }
            return rows;
        }
    }

    /// <summary>
    /// Method and route with parameter names blanked ("/monitors/{id}" and "/monitors/{monitorId}" are the same
    /// endpoint), so renaming a route parameter is not reported as one endpoint removed and another added.
    /// </summary>
    public static string MatchKey(AccessRow row) => row.Method + " " + BlankParameters(row.Route);

    private static IEnumerable<AccessRow> Rows(JsonElement e)
    {
        var route = String(e, "pattern") ?? String(e, "route") ?? "? (" + (String(e, "handler") ?? "handler") + " in " + (String(e, "sourceFile") ?? "?") + ")";
        var methods = Strings(e, "methods");
        var access = String(e, "access") ?? "undeclared";
        foreach (var method in methods.Count == 0 ? ["ANY"] : methods)
        {
            yield return new AccessRow(method, route, access, Strings(e, "permissions"), Strings(e, "keyKinds"),
                Bool(e, "workspaceScoped"), Bool(e, "disabledWithoutOrganizationsKey"), Bool(e, "cors"), String(e, "orAuthorization"));
        }
    }

    public static string BlankParameters(string route)
    {
        var text = new System.Text.StringBuilder(route.Length);
        var depth = 0;
        foreach (var c in route)
        {
            if (c == '{' && depth++ == 0)
                text.Append("{}");
            else if (c == '}' && depth > 0)
                depth--;
            else if (depth == 0)
                text.Append(c);
        }
        return text.ToString();
    }

    private static string? String(JsonElement e, string name)
        => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement e, string name)
        => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static List<string> Strings(JsonElement e, string name)
        => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
