namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// The format check and CRC-32 against straightforward reference implementations (byte-at-a-time CRC, decode the
/// checksum digits, checks in the documented order), so a faster check keeps every verdict, including which of
/// several faults a key is refused for.
/// </summary>
public sealed class KeyChecksumTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static uint ReferenceCrc(ReadOnlySpan<char> ascii)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in ascii)
        {
            crc ^= (byte)c;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static KeyFormatError ReferenceCheck(ApiKeyFormat format, string key)
    {
        var head = $"{format.Prefix}_{ApiKeyFormat.EnvironmentName(format.Environment)}_";
        var firstSep = key.IndexOf('_', StringComparison.Ordinal);
        if (firstSep <= 0 || key.Length < firstSep + 6)
            return KeyFormatError.Malformed;
        if (key[..firstSep] != format.Prefix)
            return KeyFormatError.WrongPrefix;
        var env = key.Substring(firstSep + 1, 5);
        if (env is not ("live_" or "test_"))
            return KeyFormatError.Malformed;
        if (key.Length != head.Length + 28)
            return KeyFormatError.Malformed;
        var body = key[head.Length..];
        if (body.Any(c => !Alphabet.Contains(c)))
            return KeyFormatError.Malformed;
        ulong checksum = 0;
        foreach (var c in body[22..])
            checksum = checksum * 62 + (ulong)Alphabet.IndexOf(c);
        if (checksum != ReferenceCrc(key.AsSpan(0, key.Length - 6)))
            return KeyFormatError.BadChecksum;
        return key.StartsWith(head, StringComparison.Ordinal) ? KeyFormatError.None : KeyFormatError.WrongEnvironment;
    }

    // Keys made before the checksum moved to System.IO.Hashing.Crc32 (issue 17.8): they must keep working, byte for byte.
    [Theory]
    [InlineData("dauth", KeyEnvironment.Live, "dauth_live_XQpJzNIBnjjYgH7w1FOqlQ09o1wV")]
    [InlineData("dauth", KeyEnvironment.Test, "dauth_test_GtWpKeshykP8Z38qouC9uj1TLyRG")]
    [InlineData("sample", KeyEnvironment.Test, "sample_test_YZpzhDLY7uje4JQ5WysUec0RtRMx")]
    [InlineData("acme", KeyEnvironment.Live, "acme_live_9hpQqWwL1RNa3vmlM3zUNb4Lj7E0")]
    public void Keys_made_by_earlier_versions_still_pass_and_a_changed_checksum_digit_does_not(string prefix, KeyEnvironment environment, string key)
    {
        var format = new ApiKeyFormat(prefix, environment);
        Assert.Equal(KeyFormatError.None, format.Check(key));
        Assert.Equal(key[^6..], ChecksumDigits(key));
        var last = key[^1] == '0' ? '1' : '0';
        Assert.Equal(KeyFormatError.BadChecksum, format.Check(key[..^1] + last));
    }

    [Fact]
    public void Generated_keys_carry_the_standard_crc32_of_their_text()
    {
        var format = new ApiKeyFormat("dauth", KeyEnvironment.Test);
        for (var i = 0; i < 200; i++)
        {
            var key = format.Generate();
            Assert.Equal(ChecksumDigits(key), key[^6..]);
        }
    }

    /// <summary>The six base-62 digits of the bitwise CRC-32 of everything before them.</summary>
    private static string ChecksumDigits(string key)
    {
        var value = (ulong)ReferenceCrc(key.AsSpan(0, key.Length - 6));
        var digits = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(digits);
    }

    private static IEnumerable<string> Variants(ApiKeyFormat format, Random random)
    {
        var key = format.Generate();
        yield return key;
        var replacements = "0aZz9_-.é\0 ~".ToCharArray();
        for (var i = 0; i < key.Length; i++)
        {
            foreach (var c in replacements)
                yield return key[..i] + c + key[(i + 1)..];
            yield return key[..i] + Alphabet[random.Next(62)] + key[(i + 1)..];
            yield return key[..i] + key[(i + 1)..];               // a character dropped
            yield return key[..i] + Alphabet[random.Next(62)] + key[i..]; // one inserted
            yield return key[..i];                                // truncated
        }
        yield return key + "A";
        yield return key.Replace("_live_", "_test_", StringComparison.Ordinal);
        yield return key.Replace("_test_", "_live_", StringComparison.Ordinal);
        yield return key.Replace("_live_", "_LIVE_", StringComparison.Ordinal);
        yield return "x" + key;
        yield return key.ToUpperInvariant();
    }

    [Fact]
    public void Check_gives_the_reference_verdict_for_keys_and_their_typos_in_both_environments()
    {
        var random = new Random(62);
        var formats = new[]
        {
            new ApiKeyFormat("kener", KeyEnvironment.Live), new ApiKeyFormat("kener", KeyEnvironment.Test),
            new ApiKeyFormat("ab", KeyEnvironment.Live), new ApiKeyFormat("abcdefghijklmnop", KeyEnvironment.Test),
        };
        var verdicts = new Dictionary<KeyFormatError, int>();
        foreach (var generating in formats)
        {
            for (var n = 0; n < 20; n++)
            {
                foreach (var key in Variants(generating, random))
                {
                    foreach (var checking in formats)
                    {
                        var expected = ReferenceCheck(checking, key);
                        Assert.True(expected == checking.Check(key), $"{checking.Prefix}/{checking.Environment} on '{key}': expected {expected}, got {checking.Check(key)}");
                        verdicts[expected] = verdicts.GetValueOrDefault(expected) + 1;
                    }
                }
            }
        }
        // every verdict was exercised, so each branch of the check was compared
        Assert.All(Enum.GetValues<KeyFormatError>(), e => Assert.True(verdicts.GetValueOrDefault(e) > 20, $"{e}: {verdicts.GetValueOrDefault(e)}"));
    }

    [Fact]
    public void A_key_with_a_valid_checksum_for_the_other_environment_is_wrong_environment_not_bad_checksum()
    {
        var live = new ApiKeyFormat("kener", KeyEnvironment.Live);
        var test = new ApiKeyFormat("kener", KeyEnvironment.Test);
        var key = test.Generate();
        Assert.Equal(KeyFormatError.WrongEnvironment, live.Check(key));
        var swapped = key.Replace("_test_", "_live_", StringComparison.Ordinal); // checksum now wrong for its own text
        Assert.Equal(KeyFormatError.BadChecksum, live.Check(swapped));
        Assert.Equal(KeyFormatError.BadChecksum, test.Check(swapped));
    }

    [Fact]
    public void A_checksum_digit_string_that_decodes_above_32_bits_is_a_bad_checksum()
    {
        var live = new ApiKeyFormat("kener", KeyEnvironment.Live);
        var key = live.Generate();
        var head = key[..^6];
        // "zzzzzz" is 62^6 - 1 > uint.MaxValue: no CRC-32 encodes to it
        Assert.Equal(KeyFormatError.BadChecksum, live.Check(head + "zzzzzz"));
        // and the right digits for this CRC do check
        Span<char> digits = stackalloc char[6];
        Base62.Encode(ReferenceCrc(head), digits);
        Assert.Equal(KeyFormatError.None, live.Check(head + new string(digits)));
    }
}
