using System.Text;

namespace Declarative.Auth;

/// <summary>
/// Bounds on audit text. Actors and key ids of refused calls come from requests: an attacker chooses them. They are
/// cut to a fixed length and every control or invisible formatting character (the ones <see cref="KeyText"/> refuses
/// in key names) becomes U+FFFD, so a log line cannot forge a second line, hide text, or grow without bound.
/// Display is the reader's job: the console writes with textContent under a CSP, the CLI prints the text as is.
/// </summary>
internal static class KeyAuditText
{
    public const int MaxActor = 64;
    public const int MaxKeyId = 64;
    public const int MaxChange = 1024;

    public static string? Bound(string? value, int max)
    {
        if (value is null)
            return null;
        if (value.Length > max)
            value = value[..(max - 1)] + "…";
        if (KeyText.FirstRefused(value) is null)
            return value;
        var clean = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            clean.Append(category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Surrogate
                ? Rune.ReplacementChar : rune);
        }
        return clean.ToString();
    }
}
