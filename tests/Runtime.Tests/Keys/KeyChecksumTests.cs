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

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_matches_the_standard_check_values(string text, uint expected)
        => Assert.Equal(expected, Crc32.Compute(text));

    [Fact]
    public void Crc32_matches_the_bitwise_definition_at_every_length_and_starting_state()
    {
        var random = new Random(8);
        for (var length = 0; length <= 80; length++)
        {
            for (var sample = 0; sample < 20; sample++)
            {
                var text = new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7F))]);
                Assert.Equal(ReferenceCrc(text), Crc32.Compute(text));
                var split = length == 0 ? 0 : random.Next(length + 1);
                Assert.Equal(ReferenceCrc(text), ~Crc32.Update(Crc32.Update(0xFFFFFFFFu, text.AsSpan(0, split)), text.AsSpan(split)));
            }
        }
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
