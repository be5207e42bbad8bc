using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace Declarative.Auth.Analyzers
{
    /// <summary>Scope repairs and suggestions (valid by the runtime's <c>PermissionName.IsValidScope</c>), and the catalog as messages list it.</summary>
    internal static class ScopeText
    {
        /// <summary>Diagnostic property: the scope a code fix writes instead.</summary>
        public const string SuggestionProperty = "Suggestion";

        /// <summary>
        /// A valid scope close to <paramref name="text"/>: lowercased, other characters as '-', leading non-letters dropped;
        /// <paramref name="whenEmpty"/> when nothing is left.
        /// </summary>
        public static string Repair(string text, string whenEmpty = "events")
        {
            var builder = new StringBuilder(text.Length);
            foreach (var raw in text.Trim())
            {
                var c = char.ToLowerInvariant(raw);
                if ((c >= 'a' && c <= 'z') || (builder.Length > 0 && ((c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')))
                    builder.Append(c);
                else if (builder.Length > 0 && builder[builder.Length - 1] != '-')
                    builder.Append('-');
            }
            var result = builder.ToString().TrimEnd('-');
            if (result.Length > 64)
                result = result.Substring(0, 64);
            return result.Length == 0 ? whenEmpty : result;
        }

        /// <summary>The declared scope closest to <paramref name="scope"/> (edit distance ≤ 2 and less than half its length, or equal ignoring case), else null.</summary>
        public static string? Closest(string scope, IEnumerable<string> catalog)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in catalog)
            {
                var distance = string.Equals(candidate, scope, StringComparison.OrdinalIgnoreCase) ? 0 : Levenshtein(scope, candidate);
                var limit = Math.Min(2, Math.Max(1, Math.Min(scope.Length, candidate.Length) / 2));
                if (distance <= limit && distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }
            return best;
        }

        /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
        public static int Levenshtein(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
                d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++)
                d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length];
        }

        public static string List(ImmutableArray<string> catalog)
            => string.Join(", ", catalog.OrderBy(s => s, StringComparer.Ordinal).Select(s => "'" + s + "'"));
    }
}
