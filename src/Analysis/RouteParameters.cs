using System;
using System.Collections.Generic;
using System.Linq;

namespace Declarative.Auth.Analysis
{
    /// <summary>
    /// The parameter names of a route template (<c>{id}</c>, <c>{id:int}</c>, <c>{id?}</c>, <c>{id=1}</c>,
    /// <c>{*path}</c>, <c>{**path}</c>), as RoutePatternParser reads them; <c>{{</c> and <c>}}</c> are literal braces.
    /// Route values are looked up case-insensitively, so callers compare the names that way.
    /// </summary>
    internal static class RouteParameters
    {
        public static IReadOnlyList<string> Names(string? template)
        {
            var names = new List<string>();
            if (template is null)
                return names;
            for (var i = 0; i < template.Length; i++)
            {
                if (template[i] != '{')
                    continue;
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i++;
                    continue;
                }
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                    break;
                var name = template.Substring(i + 1, end - i - 1).TrimStart('*');
                var cut = name.IndexOfAny(new[] { ':', '=', '?' });
                if (cut >= 0)
                    name = name.Substring(0, cut);
                if (name.Length > 0)
                    names.Add(name);
                i = end;
            }
            return names;
        }

        /// <summary>Whether <paramref name="template"/> has a parameter named <paramref name="name"/> (case-insensitive, as route values are).</summary>
        public static bool Has(string? template, string name)
            => Names(template).Any(parameter => string.Equals(parameter, name, StringComparison.OrdinalIgnoreCase));
    }
}
