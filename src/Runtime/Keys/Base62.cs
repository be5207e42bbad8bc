using System.Buffers;

namespace Declarative.Auth;

/// <summary>Base62 (0-9, A-Z, a-z): the key alphabet. Secret scanners and double-click selection both like it.</summary>
internal static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The alphabet for vectorized searches: <c>span.ContainsAnyExcept(Digits)</c>.</summary>
    public static readonly SearchValues<char> Digits = SearchValues.Create(Alphabet);

    /// <summary>Writes <paramref name="value"/> as exactly <paramref name="destination"/>.Length digits, most significant first.</summary>
    public static void Encode(ulong value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    /// <summary>
    /// True when <paramref name="digits"/> are exactly what <see cref="Encode"/> writes for <paramref name="value"/>:
    /// the same as decoding them and comparing, without decoding (and false when the value needs more digits).
    /// </summary>
    public static bool EncodesTo(ulong value, ReadOnlySpan<char> digits)
    {
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (digits[i] != Alphabet[(int)(value % 62)])
                return false;
            value /= 62;
        }
        return value == 0;
    }
}
