// The generated route table's text form, written once: the generator writes it (Manifest.Render) and the runtime reads
// it (AuthManifest); this file is linked into both, so the two cannot drift.
//
// Why text and not C#: a table of object creations costs the app's build a bound, nullable-analysed, emitted and (at
// start-up) JIT-compiled expression per endpoint, ~0.25 s at 2,000 endpoints; one string constant costs nothing to
// compile, and the runtime reads it once, in well under a millisecond per thousand rows.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Declarative.Auth.Rules
{
    /// <summary>
    /// Rows of the generated table: a version line, then one line per endpoint with tab-separated fields
    /// (methods, route, permissions, access, handler, source file, line, flags); lists hold items separated by
    /// <see cref="Item"/>. Every field is escaped, so no user string (a route, a file name) can forge a field or a row.
    /// </summary>
    internal static class ManifestText
    {
        public const int Version = 1;

        public const int OrAuthorization = 1;

        public const int EventIngestion = 2;

        public const int Workspace = 4;

        private const char Field = '\t';

        private const char Row = '\n';

        private const char Item = '\u001F';

        /// <summary>Starts a table: the version line.</summary>
        public static StringBuilder Begin() => new StringBuilder().Append(Version.ToString(CultureInfo.InvariantCulture)).Append(Row);

        /// <summary>Appends one endpoint's row. <paramref name="route"/> null: not a compile-time constant.</summary>
        public static void Append(StringBuilder text, IEnumerable<string> methods, string? route, IEnumerable<string> permissions,
            string access, string handler, string sourceFile, int line, int flags)
        {
            AppendList(text, methods);
            text.Append(Field);
            if (route is null)
                text.Append("\\0");
            else
                Escape(text, route);
            text.Append(Field);
            AppendList(text, permissions);
            text.Append(Field);
            Escape(text, access);
            text.Append(Field);
            Escape(text, handler);
            text.Append(Field);
            Escape(text, sourceFile);
            text.Append(Field).Append(line.ToString(CultureInfo.InvariantCulture));
            text.Append(Field).Append(flags.ToString(CultureInfo.InvariantCulture));
            text.Append(Row);
        }

        /// <summary>The rows of <paramref name="text"/>, in order.</summary>
        /// <exception cref="FormatException">Not a table of this <see cref="Version"/> (the message says what was found).</exception>
        public static List<(string[] Methods, string? Route, string[] Permissions, string Access, string Handler, string SourceFile, int Line, int Flags)> Read(string text)
        {
            var lines = text.Split(Row);
            if (lines[0] != Version.ToString(CultureInfo.InvariantCulture))
                throw new FormatException($"the route table has format \"{Truncate(lines[0])}\"; this runtime reads format {Version}");
            var rows = new List<(string[], string?, string[], string, string, string, int, int)>(lines.Length - 1);
            for (var i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                    continue;
                var fields = lines[i].Split(Field);
                if (fields.Length != 8
                    || !int.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                    || !int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var flags))
                    throw new FormatException($"row {i} of the route table is malformed: \"{Truncate(lines[i])}\"");
                rows.Add((List(fields[0]), fields[1] == "\\0" ? null : Unescape(fields[1]), List(fields[2]), Unescape(fields[3]),
                    Unescape(fields[4]), Unescape(fields[5]), line, flags));
            }
            return rows;
        }

        private static void AppendList(StringBuilder text, IEnumerable<string> items)
        {
            var first = true;
            foreach (var item in items)
            {
                if (!first)
                    text.Append(Item);
                first = false;
                Escape(text, item);
            }
        }

        private static string[] List(string field)
        {
            if (field.Length == 0)
                return Array.Empty<string>();
            var items = field.Split(Item);
            for (var i = 0; i < items.Length; i++)
                items[i] = Unescape(items[i]);
            return items;
        }

        private static void Escape(StringBuilder text, string value)
        {
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': text.Append("\\\\"); break;
                    case Field: text.Append("\\t"); break;
                    case Row: text.Append("\\n"); break;
                    case Item: text.Append("\\u"); break;
                    default: text.Append(c); break;
                }
            }
        }

        private static string Unescape(string value)
        {
            if (value.IndexOf('\\') < 0)
                return value;
            var text = new StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] != '\\' || i + 1 == value.Length)
                {
                    text.Append(value[i]);
                    continue;
                }
                text.Append(value[++i] switch { 't' => Field, 'n' => Row, 'u' => Item, var c => c });
            }
            return text.ToString();
        }

        private static string Truncate(string value) => value.Length <= 60 ? value : value.Remove(60) + "…";
    }
}
