namespace Declarative.Auth;

/// <summary>Base62 (0-9, A-Z, a-z): the key alphabet. Secret scanners and double-click selection both like it.</summary>
internal static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static bool IsDigit(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetter(c);

    /// <summary>Writes <paramref name="value"/> as exactly <paramref name="destination"/>.Length digits, most significant first.</summary>
    public static void Encode(ulong value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    /// <summary>Reads fixed-width base62 digits; false on any other character or overflow.</summary>
    public static bool TryDecode(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'A' and <= 'Z' => c - 'A' + 10,
                >= 'a' and <= 'z' => c - 'a' + 36,
                _ => -1,
            };
            if (d < 0 || value > (ulong.MaxValue - (ulong)d) / 62)
                return false;
            value = value * 62 + (ulong)d;
        }
        return true;
    }
}
