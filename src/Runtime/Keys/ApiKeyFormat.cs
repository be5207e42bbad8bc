using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>
/// The key format: <c>&lt;prefix&gt;_&lt;live|test&gt;_&lt;22 random base62&gt;&lt;6 base62 CRC-32&gt;</c>, e.g.
/// <c>acme_live_3xT0…Qp1a9Z</c>. 22 base62 digits carry 130 random bits; the checksum covers everything
/// before it, so a mistyped or truncated key is refused without touching the store (the scheme of checksummed
/// tokens), and secret scanners can recognise leaked keys by prefix and checksum.
/// </summary>
public sealed class ApiKeyFormat
{
    /// <summary>Random base62 digits in a key body.</summary>
    public const int RandomLength = 22;

    /// <summary>Base62 digits of the checksum.</summary>
    public const int ChecksumLength = 6;

    private readonly string _head; // "<prefix>_<env>_"

    /// <summary>Creates the format for an app prefix (2–16 lowercase ASCII letters) and environment.</summary>
    public ApiKeyFormat(string prefix, KeyEnvironment environment)
    {
        if (!IsValidPrefix(prefix))
            throw new ArgumentException($"Key prefix '{prefix}' is not valid: use 2 to 16 lowercase ASCII letters, e.g. \"acme\".", nameof(prefix));
        Prefix = prefix;
        Environment = environment;
        _head = $"{prefix}_{EnvironmentName(environment)}_";
    }

    /// <summary>The app's prefix.</summary>
    public string Prefix { get; }

    /// <summary>The environment this app accepts and creates keys for.</summary>
    public KeyEnvironment Environment { get; }

    /// <summary>Total length of a key.</summary>
    public int Length => _head.Length + RandomLength + ChecksumLength;

    /// <summary>True for 2–16 lowercase ASCII letters.</summary>
    public static bool IsValidPrefix(string? prefix)
        => prefix is { Length: >= 2 and <= 16 } && prefix.All(char.IsAsciiLetterLower);

    /// <summary><c>live</c> or <c>test</c>.</summary>
    public static string EnvironmentName(KeyEnvironment environment) => environment == KeyEnvironment.Live ? "live" : "test";

    /// <summary>A new secret from the OS's CSPRNG.</summary>
    public string Generate()
    {
        Span<char> key = stackalloc char[Length];
        _head.AsSpan().CopyTo(key);
        var random = key.Slice(_head.Length, RandomLength);
        Span<byte> bytes = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < RandomLength; i++)
            random[i] = Base62.Alphabet[bytes[i] % 62]; // 256 % 62 = 8: a bias of < 0.2 bit over 22 digits
        Base62.Encode(Checksum(key[..^ChecksumLength]), key[^ChecksumLength..]);
        return new string(key);
    }

    /// <summary>Checks a presented key without allocating: prefix, environment, length, alphabet, checksum.</summary>
    public KeyFormatError Check(ReadOnlySpan<char> key)
    {
        // Cheapest checks first; none depends on a secret byte except the checksum, which is not secret.
        var firstSep = key.IndexOf('_');
        if (firstSep <= 0 || key.Length < firstSep + 6)
            return KeyFormatError.Malformed;
        if (!key[..firstSep].SequenceEqual(Prefix))
            return KeyFormatError.WrongPrefix;
        // The checksum covers the key's own head, which may name the other environment (refused below, after it).
        var env = key.Slice(firstSep + 1, 5);
        if (!env.SequenceEqual("live_") && !env.SequenceEqual("test_"))
            return KeyFormatError.Malformed;
        if (key.Length != Length)
            return KeyFormatError.Malformed;
        var body = key[_head.Length..];
        if (body.ContainsAnyExcept(Base62.Digits))
            return KeyFormatError.Malformed;
        if (!Base62.EncodesTo(Checksum(key[..^ChecksumLength]), body[RandomLength..]))
            return KeyFormatError.BadChecksum;
        if (!key[.._head.Length].SequenceEqual(_head))
            return KeyFormatError.WrongEnvironment;
        return KeyFormatError.None;
    }

    /// <summary>
    /// The standard CRC-32 (IEEE, as zlib) of the key's text before its checksum digits. By then every character is
    /// ASCII (the prefix, the environment and base-62 digits), one byte each; at most 50 of them, on the stack.
    /// </summary>
    private static uint Checksum(ReadOnlySpan<char> ascii)
    {
        Span<byte> bytes = stackalloc byte[64];
        var n = System.Text.Encoding.ASCII.GetBytes(ascii, bytes);
        return System.IO.Hashing.Crc32.HashToUInt32(bytes[..n]);
    }

    /// <summary>The part of a key safe to show: prefix, environment and the first 4 random characters.</summary>
    public static string DisplayPartOf(string secret)
    {
        var lastSep = secret.LastIndexOf('_');
        return lastSep < 0 || secret.Length < lastSep + 5 ? "…" : secret[..(lastSep + 5)] + "…";
    }
}
