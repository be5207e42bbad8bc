using System;
using System.Collections.Generic;
using System.Text;

namespace Declarative.Auth.Analysis
{
    /// <summary>Route template arithmetic, as ASP.NET Core does it (RoutePatternFactory.Combine, AttributeRouteModel).</summary>
    internal static class Routes
    {
        /// <summary>A route-group prefix and an endpoint pattern (or an inner prefix), joined by one '/'.</summary>
        public static string CombineGroup(string prefix, string pattern)
        {
            if (prefix.Length == 0)
                return pattern;
            var left = prefix.EndsWith("/", StringComparison.Ordinal) ? prefix.Substring(0, prefix.Length - 1) : prefix;
            if (pattern.Length == 0)
                return left;
            return pattern.StartsWith("/", StringComparison.Ordinal) ? left + pattern : left + "/" + pattern;
        }

        /// <summary>The template as the manifest writes it: starting with '/'.</summary>
        public static string Rooted(string template)
        {
            if (template.StartsWith("~/", StringComparison.Ordinal))
                template = template.Substring(1);
            return template.StartsWith("/", StringComparison.Ordinal) ? template : "/" + template;
        }

        /// <summary>MVC's AttributeRouteModel.CombineTemplates: controller template + action template.</summary>
        public static string? CombineAttributeRoutes(string? controller, string? action)
            => Clean(action is null ? controller
                : IsEmptyLeftSegment(controller) || IsOverridePattern(action) ? action
                : controller!.EndsWith("/", StringComparison.Ordinal) ? controller + action
                : controller + "/" + action);

        private static bool IsOverridePattern(string template)
            => template.StartsWith("~/", StringComparison.Ordinal) || template.StartsWith("/", StringComparison.Ordinal);

        private static bool IsEmptyLeftSegment(string? template)
            => template is null || template == "/" || template == "~/";

        private static string? Clean(string? result)
        {
            if (result is null or "//")
                return result;
            var start = result.StartsWith("/", StringComparison.Ordinal) ? 1 : result.StartsWith("~/", StringComparison.Ordinal) ? 2 : 0;
            if (start == result.Length)
                return string.Empty;
            var length = result.Length - start;
            if (result.EndsWith("/", StringComparison.Ordinal))
                length--;
            return result.Substring(start, length);
        }

        /// <summary>
        /// Replaces <c>[controller]</c>, <c>[action]</c>, <c>[area]</c> (case-insensitive) and unescapes <c>[[</c>/<c>]]</c>;
        /// null when the template names an unknown token or is malformed (MVC refuses it at start-up).
        /// <paramref name="values"/> compares its keys ignoring case.
        /// </summary>
        public static string? ReplaceTokens(string template, IReadOnlyDictionary<string, string> values)
        {
            var builder = new StringBuilder(template.Length);
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if (c is '[' or ']' && i + 1 < template.Length && template[i + 1] == c)
                {
                    builder.Append(c);
                    i++;
                }
                else if (c == '[')
                {
                    var end = template.IndexOf(']', i + 1);
                    if (end < 0 || !values.TryGetValue(template.Substring(i + 1, end - i - 1), out var value))
                        return null;
                    builder.Append(value);
                    i = end;
                }
                else if (c == ']')
                {
                    return null;
                }
                else
                {
                    builder.Append(c);
                }
            }
            return builder.ToString();
        }
    }
}
