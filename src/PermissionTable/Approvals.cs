namespace Declarative.Auth.Tables;

/// <summary>
/// The approvals file: one endpoint per line, <c>GET /api/monitors/{id}</c> or <c>* /api/monitors/{id}</c> for every
/// method; <c>#</c> starts a comment. A widened endpoint listed there does not fail the gate; it is still reported.
/// </summary>
internal static class Approvals
{
    /// <exception cref="FormatException">A line that is not "METHOD /route"; the message names the line.</exception>
    public static ISet<string> Parse(string text)
    {
        var approved = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
                continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !parts[1].StartsWith('/'))
                throw new FormatException($"line {number}: write one endpoint as 'METHOD /route' (e.g. 'GET /api/monitors/{{id}}'), not '{line}'");
            var row = new AccessRow(parts[0].ToUpperInvariant(), parts[1].Trim(), "", [], [], false, false, false, null);
            approved.Add(PermissionTable.MatchKey(row));
        }
        return approved;
    }
}
