using System.Globalization;
using System.Text;

namespace Declarative.Auth.Cli;

/// <summary>How <c>keys audit</c> and <c>keys usage</c> print: tables, one line per entry or bucket.</summary>
internal static class ActivityOutput
{
    public static void WriteAudit(TextWriter output, IReadOnlyList<KeyAuditEntry> entries)
    {
        string[] header = ["TIME (UTC)", "ACTOR", "ACTION", "KEY", "CHANGE"];
        // Bounded again on the way out: rows written by hand or by an older version must not drive the terminal
        // (an escape sequence in a change would recolour or rewrite the lines above it).
        var rows = entries.Select(e => e.Bounded()).Select(e => new[]
        {
            e.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            e.Actor,
            e.Action,
            e.KeyId ?? "-",
            e.Change,
        }).ToList();
        WriteTable(output, header, rows);
    }

    public static void WriteUsage(TextWriter output, ApiKey key, KeyUsageView view, int hours)
    {
        var refused = view.Refusals.Count == 0 ? "none refused" : "refused: " + Refusals(view.Refusals);
        output.WriteLine($"Key {key.Id} ({key.Name}): {view.Requests.ToString(CultureInfo.InvariantCulture)} requests in the last {hours} hours, {refused}.");
        if (view.Points.Count == 0)
            return;
        output.WriteLine();
        var format = view.Span == "hour" ? "yyyy-MM-dd HH:00'Z'" : "yyyy-MM-dd HH:mm'Z'";
        var rows = view.Points.Select(p => new[]
        {
            p.Start.ToUniversalTime().ToString(format, CultureInfo.InvariantCulture),
            p.Requests.ToString(CultureInfo.InvariantCulture),
            p.Refusals.Count == 0 ? "-" : Refusals(p.Refusals),
        }).ToList();
        WriteTable(output, [view.Span == "hour" ? "HOUR (UTC)" : "MINUTE (UTC)", "REQUESTS", "REFUSED"], rows);
    }

    private static string Refusals(IReadOnlyDictionary<string, long> refusals)
        => string.Join(", ", refusals.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => $"{r.Key} {r.Value.ToString(CultureInfo.InvariantCulture)}"));

    private static void WriteTable(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        foreach (var cells in rows.Prepend(header))
        {
            var line = new StringBuilder();
            for (var i = 0; i < cells.Length; i++)
                line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            output.WriteLine(line.ToString().TrimEnd());
        }
    }
}
