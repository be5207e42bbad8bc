using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Declarative.Auth.Tests.Keys;

public sealed class KeyFormatTests
{
    private static readonly ApiKeyFormat Live = new("kener", KeyEnvironment.Live);

    [Fact]
    public void Generated_keys_have_prefix_environment_random_body_and_checksum()
    {
        var key = Live.Generate();
        Assert.Matches("^kener_live_[0-9A-Za-z]{28}$", key);
        Assert.Equal(KeyFormatError.None, Live.Check(key));
        Assert.Equal(Live.Length, key.Length);
        Assert.NotEqual(key, Live.Generate());
    }

    [Fact]
    public void A_thousand_keys_are_distinct_and_all_check()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => Live.Generate()).ToArray();
        Assert.Equal(1000, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Equal(KeyFormatError.None, Live.Check(k)));
    }

    [Fact]
    public void Any_single_character_change_in_the_body_fails_the_checksum()
    {
        var key = Live.Generate();
        var body = key.LastIndexOf('_') + 1;
        for (var i = body; i < key.Length; i++)
        {
            var c = key[i] == 'a' ? 'b' : 'a';
            var typo = key[..i] + c + key[(i + 1)..];
            Assert.Equal(KeyFormatError.BadChecksum, Live.Check(typo));
        }
    }

    [Fact]
    public void A_test_key_is_refused_by_a_live_app_and_the_reverse()
    {
        var test = new ApiKeyFormat("kener", KeyEnvironment.Test);
        Assert.Equal(KeyFormatError.WrongEnvironment, Live.Check(test.Generate()));
        Assert.Equal(KeyFormatError.WrongEnvironment, test.Check(Live.Generate()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("kener")]
    [InlineData("kener_live_")]
    [InlineData("kener_prod_0123456789012345678901234567")]
    [InlineData("kener_live_0123456789")]
    [InlineData("kener_live_0123456789012345678901234567890")]
    [InlineData("kener_live_01234567890123456789012345-7")]
    [InlineData("kener_live_0123456789012345678901234é67")]
    public void Malformed_keys_are_refused(string key)
        => Assert.Equal(KeyFormatError.Malformed, Live.Check(key));

    [Fact]
    public void Another_apps_prefix_is_refused()
        => Assert.Equal(KeyFormatError.WrongPrefix, Live.Check(new ApiKeyFormat("flokit", KeyEnvironment.Live).Generate()));

    [Theory]
    [InlineData("K")]
    [InlineData("Kener")]
    [InlineData("ke_ner")]
    [InlineData("abcdefghijklmnopq")]
    public void Bad_prefixes_are_rejected_with_the_rule(string prefix)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ApiKeyFormat(prefix, KeyEnvironment.Live));
        Assert.Contains("2 to 16 lowercase ASCII letters", ex.Message);
    }

    [Fact]
    public void Display_part_shows_prefix_and_four_characters_only()
    {
        var key = Live.Generate();
        var display = ApiKeyFormat.DisplayPartOf(key);
        Assert.Equal(key[..15] + "…", display);
    }

    private sealed class CountingStore(IApiKeyStore inner) : IApiKeyStore
    {
        public int Lookups;
        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken ct = default) { Interlocked.Increment(ref Lookups); return inner.FindAsync(hash, ct); }
        public Task<ApiKey?> GetAsync(string id, CancellationToken ct = default) => inner.GetAsync(id, ct);
        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default) => inner.ListAsync(ct);
        public Task AddAsync(ApiKey key, CancellationToken ct = default) => inner.AddAsync(key, ct);
        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct = default) => inner.RevokeAsync(id, at, ct);
        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? at, CancellationToken ct = default) => inner.SetExpiryAsync(id, at, ct);
        public Task<bool> RotateAsync(string oldId, ApiKey r, DateTimeOffset at, CancellationToken ct = default) => inner.RotateAsync(oldId, r, at, ct);
        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> u, CancellationToken ct = default) => inner.RecordUsageAsync(u, ct);
    }

    public static TheoryData<string, string> BadKeys()
    {
        var test = new ApiKeyFormat("dauth", KeyEnvironment.Test).Generate();
        var live = new ApiKeyFormat("dauth", KeyEnvironment.Live).Generate();
        return new()
        {
            { "wrong checksum", test[..^1] + (test[^1] == 'a' ? 'b' : 'a') },
            { "wrong environment", live },
            { "truncated", test[..^3] },
            { "over-long", test + "abc" },
            { "non-ASCII", test[..^1] + "ü" },
            { "another prefix", new ApiKeyFormat("other", KeyEnvironment.Test).Generate() },
        };
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Bad_keys_get_401_without_any_store_lookup(string why, string key)
    {
        CountingStore? counting = null;
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            services: s => s.Replace(ServiceDescriptor.Singleton<IApiKeyStore>(sp => counting = new CountingStore(sp.GetRequiredService<InMemoryApiKeyStore>()))));
        var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        var response = await app.Client().SendAsync(request);
        await response.AssertRefusal(401, "UNAUTHORIZED");
        Assert.True(counting is { Lookups: 0 }, why);

        // and a good key does reach the store: the counter works
        await app.Client(app.Key("read:events")).GetAsync("/x");
        Assert.Equal(1, counting!.Lookups);
    }
}
