using System.Security.Cryptography;
using System.Text;

namespace Declarative.Auth.Tests.Keys;

/// <summary>KeyHash is SHA-256 of the ASCII secret, however many threads hash at once.</summary>
public sealed class KeyHashTests
{
    private static string Reference(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("app_live_0123456789abcdefghijklABCDEF")]
    public void Is_the_SHA256_of_the_secret(string secret)
        => Assert.Equal(Reference(secret), KeyHash.Compute(secret).ToHex());

    [Fact]
    public void Longest_secret_hashes_and_longer_or_non_ASCII_ones_are_refused()
    {
        var longest = new string('k', KeyHash.MaxSecretLength);
        Assert.Equal(Reference(longest), KeyHash.Compute(longest).ToHex());
        Assert.False(KeyHash.TryCompute(longest + "k", out _));
        Assert.False(KeyHash.TryCompute("clé", out _));
    }

    [Fact]
    public void Concurrent_hashing_on_many_threads_gives_each_secret_its_own_hash()
    {
        var format = new ApiKeyFormat("app", KeyEnvironment.Test);
        var secrets = Enumerable.Range(0, 4000).Select(_ => format.Generate()).ToArray();
        var expected = secrets.Select(Reference).ToArray();
        var actual = new string[secrets.Length];
        Parallel.For(0, secrets.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            // interleave a refused secret, so a hash left half-fed on a thread would show in the next one
            KeyHash.TryCompute("clé", out _);
            actual[i] = KeyHash.Compute(secrets[i]).ToHex();
        });
        Assert.Equal(expected, actual);
    }
}
