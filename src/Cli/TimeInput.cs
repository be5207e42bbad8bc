using System.Globalization;
using System.Text.RegularExpressions;

namespace Declarative.Auth.Cli;

/// <summary>Reads the dates and durations people type: ISO 8601 dates, or spans like <c>30d</c>, <c>12h</c>, <c>1h30m</c>.</summary>
internal static partial class TimeInput
{
    /// <summary>What the error messages suggest.</summary>
    public const string DateExamples = "an ISO date like 2027-01-31 or 2027-01-31T18:00:00Z, or a span from now like 30d, 12h, 90m";

    /// <summary>What the error messages suggest for durations.</summary>
    public const string SpanExamples = "a span like 10m, 2h, 1d or 1h30m (units s, m, h, d, w)";

    /// <summary>
    /// An absolute time: <c>now</c>, an ISO 8601 date or date-time (UTC unless it says otherwise), or a span
    /// from <paramref name="now"/>.
    /// </summary>
    public static bool TryParseTime(string? text, DateTimeOffset now, out DateTimeOffset value)
    {
        value = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        if (string.Equals(text, "now", StringComparison.OrdinalIgnoreCase))
        {
            value = now;
            return true;
        }
        if (TryParseSpan(text, out var span))
        {
            try
            {
                value = now + span;
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }
        if (!IsoDate().IsMatch(text))
            return false;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>A duration: <c>0</c>, <c>10m</c>, <c>1h30m</c>, or <c>hh:mm:ss</c>.</summary>
    public static bool TryParseSpan(string? text, out TimeSpan value)
    {
        value = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        if (text == "0")
            return true;
        if (text.Contains(':'))
            return TimeSpan.TryParseExact(text, [@"hh\:mm", @"hh\:mm\:ss", @"d\.hh\:mm\:ss"], CultureInfo.InvariantCulture, out value);
        var match = Span().Match(text);
        if (!match.Success)
            return false;
        var total = TimeSpan.Zero;
        try
        {
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var number = long.Parse(part.Value.AsSpan(0, part.Length - 1), CultureInfo.InvariantCulture);
                total += char.ToLowerInvariant(part.Value[^1]) switch
                {
                    's' => TimeSpan.FromSeconds(number),
                    'm' => TimeSpan.FromMinutes(number),
                    'h' => TimeSpan.FromHours(number),
                    'd' => TimeSpan.FromDays(number),
                    _ => TimeSpan.FromDays(checked(number * 7)),
                };
            }
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
        value = total;
        return true;
    }

    /// <summary>How times are shown in tables: UTC, to the minute.</summary>
    public static string Show(DateTimeOffset? value)
        => value is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>How times are written in JSON and details: ISO 8601, UTC.</summary>
    public static string Iso(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?<part>\d{1,9}[smhdw])+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Span();
}
