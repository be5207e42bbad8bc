using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.TestKit;

/// <summary>One expected diagnostic marked in a test source: <c>{|DAUTH001:MapGet|}</c> or <c>[|MapGet|]</c>.</summary>
public sealed record MarkedSpan(string? Id, TextSpan Span);

/// <summary>
/// Parses test-source markup: <c>{|ID:text|}</c> marks <c>text</c> as where diagnostic ID is expected,
/// <c>[|text|]</c> marks it for the test's default id. The markup is removed from the returned source.
/// </summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<MarkedSpan> Spans) Parse(string markup)
    {
        var output = new StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        var open = new Stack<(string? Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((null, output.Length));
                i += 2;
            }
            else if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                    throw new FormatException($"Unterminated '{{|' at {i}.");
                open.Push((markup[(i + 2)..colon], output.Length));
                i = colon + 1;
            }
            else if (Starts(markup, i, "|]") || Starts(markup, i, "|}"))
            {
                if (open.Count == 0)
                    throw new FormatException($"Unbalanced '{markup.Substring(i, 2)}' at {i}.");
                var (id, start) = open.Pop();
                spans.Add(new MarkedSpan(id, TextSpan.FromBounds(start, output.Length)));
                i += 2;
            }
            else
            {
                output.Append(markup[i]);
                i++;
            }
        }
        if (open.Count != 0)
            throw new FormatException("Unclosed markup span.");
        spans.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return (output.ToString(), spans);
    }

    private static bool Starts(string text, int index, string token)
        => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
