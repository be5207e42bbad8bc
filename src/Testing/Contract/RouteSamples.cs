using System.Globalization;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Declarative.Auth.Testing;

/// <summary>
/// A request path for a route template: each parameter gets the user's sample value, else the contract's workspace
/// when it is where the app reads the workspace from, else its default, else a value its constraints accept.
/// </summary>
internal static class RouteSamples
{
    public const string SampleGuid = "00000000-0000-0000-0000-000000000001";

    public static string PathFor(string route, IDictionary<string, string> values, ICollection<string> workspaceParameters)
    {
        var pattern = RoutePatternFactory.Parse(route);
        var path = new System.Text.StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new System.Text.StringBuilder();
            foreach (var part in segment.Parts)
            {
                text.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Uri.EscapeDataString(ValueFor(parameter, values, workspaceParameters)),
                    _ => "",
                });
            }
            path.Append('/').Append(text);
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string ValueFor(RoutePatternParameterPart parameter, IDictionary<string, string> values, ICollection<string> workspaceParameters)
    {
        if (values.TryGetValue(parameter.Name, out var given))
            return given;
        if (workspaceParameters.Contains(parameter.Name))
            return ContractCases.Workspace;
        if (parameter.Default is { } fallback && Convert.ToString(fallback, CultureInfo.InvariantCulture) is { Length: > 0 } text)
            return text;
        var value = "1";
        foreach (var policy in parameter.ParameterPolicies)
            value = Constrained(policy.Content ?? "", value);
        return value;
    }

    // One value per constraint family; a value one constraint picks is adjusted by the next (e.g. int then min(5)).
    private static string Constrained(string constraint, string value)
    {
        var open = constraint.IndexOf('(', StringComparison.Ordinal);
        var name = (open < 0 ? constraint : constraint[..open]).ToLowerInvariant();
        var args = open < 0 ? [] : constraint[(open + 1)..constraint.LastIndexOf(')')].Split(',', StringSplitOptions.TrimEntries);
        return name switch
        {
            "int" or "long" => "1",
            "guid" => SampleGuid,
            "bool" => "true",
            "datetime" => "2024-01-01",
            "decimal" or "double" or "float" => "1.5",
            "alpha" => "sample",
            "file" => "sample.txt",
            "nonfile" => "sample",
            "min" or "range" when args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var min) => min.ToString(CultureInfo.InvariantCulture),
            "max" when args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var max) && max < 1 => max.ToString(CultureInfo.InvariantCulture),
            "length" or "minlength" when args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var length) => Pad(value, length),
            "maxlength" when args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var most) && value.Length > most => value[..Math.Max(most, 1)],
            _ => value,
        };
    }

    private static string Pad(string value, int length)
        => value.Length >= length ? value : value + new string(char.IsDigit(value[0]) ? '1' : 'a', length - value.Length);
}
