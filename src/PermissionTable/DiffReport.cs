using System.Text;

namespace Declarative.Auth.Tables;

/// <summary>Writes a diff as plain text (terminals, build logs) or GitHub-flavoured Markdown (a PR comment).</summary>
internal static class DiffReport
{
    public static bool FailsGate(IReadOnlyList<EndpointChange> changes) => changes.Any(c => c.BlocksGate);

    public static string Summary(IReadOnlyList<EndpointChange> changes)
    {
        int Count(ChangeClass c) => changes.Count(x => x.Class == c);
        var unapproved = changes.Count(c => c.BlocksGate);
        return $"{Count(ChangeClass.Widened)} widened ({unapproved} not approved), {Count(ChangeClass.Narrowed)} narrowed, "
            + $"{Count(ChangeClass.Added)} added, {Count(ChangeClass.Removed)} removed";
    }

    public static string Text(IReadOnlyList<EndpointChange> changes)
    {
        var w = new StringBuilder();
        w.Append("Permission changes: ").Append(Summary(changes)).Append('\n');
        foreach (var group in changes.GroupBy(c => c.Class))
        {
            w.Append('\n').Append(group.Key.ToString().ToUpperInvariant()).Append('\n');
            foreach (var change in group)
            {
                w.Append("  ").Append(change.Endpoint);
                if (change.Class == ChangeClass.Widened)
                    w.Append(change.Approved ? "  [approved]" : "  [NOT APPROVED]");
                w.Append('\n');
                foreach (var reason in change.Reasons)
                    w.Append("    - ").Append(reason).Append('\n');
            }
        }
        return w.ToString();
    }

    public static string Markdown(IReadOnlyList<EndpointChange> changes)
    {
        var w = new StringBuilder();
        w.Append("### Permission changes\n\n").Append(Summary(changes)).Append("\n\n");
        if (changes.Count == 0)
            return w.Append("No endpoint's access changed.\n").ToString();
        w.Append("| Change | Endpoint | What changed |\n|---|---|---|\n");
        foreach (var change in changes)
        {
            var label = change.Class switch
            {
                ChangeClass.Widened => change.Approved ? "widened (approved)" : "**widened (not approved)**",
                _ => change.Class.ToString().ToLowerInvariant(),
            };
            w.Append("| ").Append(label).Append(" | `").Append(change.Endpoint.Replace("`", "'", StringComparison.Ordinal))
                .Append("` | ").Append(Cell(string.Join("; ", change.Reasons))).Append(" |\n");
        }
        return w.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
