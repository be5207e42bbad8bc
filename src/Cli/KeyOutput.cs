using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Declarative.Auth.Cli;

/// <summary>
/// What the tool prints. Only <see cref="WriteCreated"/> and <see cref="WriteCreatedJson"/> ever receive a
/// secret; everything else works from <see cref="ApiKey"/>, which has none.
/// </summary>
internal static class KeyOutput
{
    public const string CopyWarning = "Copy the key now: it will not be shown again.";

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteCreated(TextWriter output, CreatedApiKey created, string headline)
    {
        output.WriteLine(headline);
        output.WriteLine();
        output.WriteLine("    " + created.Secret);
        output.WriteLine();
        output.WriteLine(CopyWarning);
        output.WriteLine();
        WriteFields(output, created.Key, created.Key.CreatedAt, withTimes: false);
    }

    public static void WriteCreatedJson(TextWriter output, CreatedApiKey created, (string Id, DateTimeOffset RevokedAt)? replaced)
        => WriteJson(output, json =>
        {
            json.WriteStartObject();
            WriteKeyMembers(json, created.Key, created.Key.CreatedAt);
            json.WriteString("secret", created.Secret);
            if (replaced is { } old)
            {
                json.WriteString("replacedId", old.Id);
                json.WriteString("replacedRevokedAt", old.RevokedAt); // as System.Text.Json writes every other time
            }
            json.WriteString("warning", CopyWarning);
            json.WriteEndObject();
        });

    public static void WriteKeyJson(TextWriter output, ApiKey key, DateTimeOffset now)
        => WriteJson(output, json =>
        {
            json.WriteStartObject();
            WriteKeyMembers(json, key, now);
            json.WriteEndObject();
        });

    public static void WriteListJson(TextWriter output, IReadOnlyList<ApiKey> keys, DateTimeOffset now)
        => WriteJson(output, json =>
        {
            json.WriteStartArray();
            foreach (var key in keys)
            {
                json.WriteStartObject();
                WriteKeyMembers(json, key, now);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });

    public static void WriteDetails(TextWriter output, ApiKey key, DateTimeOffset now) => WriteFields(output, key, now, withTimes: true);

    public static void WriteTable(TextWriter output, IReadOnlyList<ApiKey> keys, DateTimeOffset now)
    {
        string[] header = ["ID", "NAME", "KEY", "PERMISSIONS", "ENV", "WORKSPACE", "OWNER", "CREATED", "LAST USED", "EXPIRES", "STATUS"];
        var rows = keys.Select(k => new[]
        {
            k.Id,
            k.Name,
            k.DisplayPart,
            PermissionsCell(k),
            ApiKeyFormat.EnvironmentName(k.Environment),
            k.Workspace ?? "-",
            k.Owner ?? "-",
            TimeInput.Show(k.CreatedAt),
            TimeInput.Show(k.LastUsedAt),
            k.ExpiresAt is null ? "never" : TimeInput.Show(k.ExpiresAt),
            Status(k, now),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        WriteRow(output, header, widths);
        foreach (var row in rows)
            WriteRow(output, row, widths);
    }

    private static string PermissionsCell(ApiKey key)
    {
        var permissions = key.Permissions.Count == 0 ? "" : string.Join(',', key.Permissions);
        if (key.Kind == ApiKeyKind.EventWrite)
            permissions = $"event-write({key.SourceConnection})" + (permissions.Length > 0 ? "," + permissions : "");
        return permissions.Length == 0 ? "-" : permissions;
    }

    /// <summary>active, expired or revoked; an old key in a rotation's grace period says until when it works.</summary>
    public static string Status(ApiKey key, DateTimeOffset now)
    {
        var status = key.StatusAt(now);
        return status == "active" && key.RevokedAt is { } ends
            ? $"active (revoked at {TimeInput.Show(ends)})"
            : status;
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            // Names are the user's text: keep the table one line per key.
            var cell = cells[i].ReplaceLineEndings(" ");
            line.Append(i == cells.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }
        output.WriteLine(line.ToString().TrimEnd());
    }

    private static void WriteFields(TextWriter output, ApiKey key, DateTimeOffset now, bool withTimes)
    {
        var fields = new List<(string, string)>
        {
            ("id", key.Id),
            ("name", key.Name),
            ("key", key.DisplayPart),
            ("permissions", key.Permissions.Count == 0 ? "none" : string.Join(' ', key.Permissions)),
            ("environment", ApiKeyFormat.EnvironmentName(key.Environment)),
        };
        if (key.Kind != ApiKeyKind.Standard)
            fields.Add(("kind", KindName(key.Kind)));
        fields.Add(("workspace", key.Workspace ?? "any"));
        if (key.Owner is { } owner)
            fields.Add(("owner", owner));
        if (key.SourceConnection is { } source)
            fields.Add(("source", source));
        if (key.RotatedFromId is { } from)
            fields.Add(("rotated from", from));
        fields.Add(("created", TimeInput.Show(key.CreatedAt)));
        if (withTimes)
            fields.Add(("last used", key.LastUsedAt is null ? "never" : TimeInput.Show(key.LastUsedAt)));
        fields.Add(("expires", key.ExpiresAt is null ? "never" : TimeInput.Show(key.ExpiresAt)));
        if (withTimes)
        {
            if (key.RevokedAt is not null)
                fields.Add(("revoked", TimeInput.Show(key.RevokedAt)));
            fields.Add(("status", Status(key, now)));
        }
        var width = fields.Max(f => f.Item1.Length) + 2;
        foreach (var (label, value) in fields)
            output.WriteLine((label + ":").PadRight(width) + value.ReplaceLineEndings(" "));
    }

    /// <summary>
    /// The key's members exactly as the HTTP management API writes them (<see cref="KeyView"/> through its own
    /// serializer context): one JSON convention for names, enums ("Live", "EventWrite") and times.
    /// </summary>
    private static void WriteKeyMembers(Utf8JsonWriter json, ApiKey key, DateTimeOffset now)
    {
        var view = JsonSerializer.SerializeToElement(KeyView.Of(key, now), ManagementJsonContext.Default.KeyView);
        foreach (var member in view.EnumerateObject())
            member.WriteTo(json);
    }

    private static string KindName(ApiKeyKind kind) => kind == ApiKeyKind.EventWrite ? "event-write" : "standard";

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
            write(json);
        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
