using System.Buffers;
using System.Globalization;
using System.Text;

namespace Declarative.Auth;

/// <summary>
/// The one check on the free text a key carries (name, workspace, source connection, owner): printable characters
/// only. Control characters and invisible format characters — bidirectional overrides such as U+202E, which make
/// <c>keys list</c> and the console show text reversed, zero-width characters — are refused, so what an operator
/// reads is what is stored.
/// </summary>
internal static class KeyText
{
    /// <summary><paramref name="value"/> unchanged, or null for null; throws INVALID_REQUEST naming the field and the character.</summary>
    public static string? Check(string? value, string field, int maxLength)
    {
        if (value is null)
            return null;
        if (value.Length == 0 || value.Length > maxLength || string.IsNullOrWhiteSpace(value))
            throw new ApiKeyOperationException("INVALID_REQUEST", $"{field} must be 1 to {maxLength} printable characters.");
        if (FirstRefused(value) is { } bad)
        {
            throw new ApiKeyOperationException("INVALID_REQUEST",
                $"{field} contains U+{bad:X4}, a control or invisible formatting character (e.g. a bidirectional override, which would make it display differently from what it is): use printable characters only.");
        }
        return value;
    }

    /// <summary>The code point of the first refused character, or null.</summary>
    public static int? FirstRefused(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
                return value[i]; // a lone surrogate
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return rune.Value;
            i += used - 1;
        }
        return null;
    }
}
