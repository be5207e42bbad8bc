namespace Declarative.Auth.Stores.Tests;

/// <summary>
/// What every <see cref="IApiKeyStore"/> must do. Each store's test class derives from this and supplies a
/// fresh, empty store; the same tests then run against in-memory, SQLite and PostgreSQL.
/// </summary>
public abstract class ApiKeyStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ApiKeyFormat Format = new("contract", KeyEnvironment.Test);

    /// <summary>A new, empty store (a new database, file or schema).</summary>
    protected abstract Task<IApiKeyStore> CreateStoreAsync();

    protected static (ApiKey Key, string Secret) NewKey(string name = "k", params string[] permissions)
    {
        var secret = Format.Generate();
        var key = new ApiKey
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..20],
            Name = name,
            Hash = KeyHash.Compute(secret),
            DisplayPart = ApiKeyFormat.DisplayPartOf(secret),
            Permissions = permissions.Length == 0 ? ["read:events"] : permissions,
            Environment = KeyEnvironment.Test,
            CreatedAt = T0,
        };
        return (key, secret);
    }

    [Fact]
    public async Task Added_key_is_found_by_the_hash_of_its_secret_with_every_field()
    {
        var store = await CreateStoreAsync();
        var (key, secret) = NewKey("monitoring-service", "read:monitors", "write:incidents");
        key = key with
        {
            ExpiresAt = T0.AddDays(30),
            Workspace = "ws_1",
            Kind = ApiKeyKind.EventWrite,
            SourceConnection = "src_42",
            RotatedFromId = "key_previous",
            Environment = KeyEnvironment.Live,
            Owner = "user_42",
        };
        await store.AddAsync(key);

        var found = await store.FindAsync(KeyHash.Compute(secret));
        Assert.NotNull(found);
        Assert.Equal(key.Id, found.Id);
        Assert.Equal("monitoring-service", found.Name);
        Assert.Equal(key.Hash, found.Hash);
        Assert.Equal(key.DisplayPart, found.DisplayPart);
        Assert.Equal(["read:monitors", "write:incidents"], found.Permissions);
        Assert.Equal(T0, found.CreatedAt);
        Assert.Equal(T0.AddDays(30), found.ExpiresAt);
        Assert.Null(found.RevokedAt);
        Assert.Equal("ws_1", found.Workspace);
        Assert.Equal(ApiKeyKind.EventWrite, found.Kind);
        Assert.Equal("src_42", found.SourceConnection);
        Assert.Equal("key_previous", found.RotatedFromId);
        Assert.Equal("user_42", found.Owner);
        Assert.Equal("user_42", (await store.GetAsync(key.Id))!.Owner);
        Assert.Equal(KeyEnvironment.Live, found.Environment);
    }

    [Fact]
    public async Task Unknown_hash_and_unknown_id_find_nothing()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(NewKey().Key);
        Assert.Null(await store.FindAsync(KeyHash.Compute(Format.Generate())));
        Assert.Null(await store.GetAsync("key_nope"));
    }

    [Fact]
    public async Task Get_and_list_return_keys_oldest_first()
    {
        var store = await CreateStoreAsync();
        var (a, _) = NewKey("a");
        var (b, _) = NewKey("b");
        await store.AddAsync(b with { CreatedAt = T0.AddMinutes(1) });
        await store.AddAsync(a);
        Assert.Equal("b", (await store.GetAsync(b.Id))!.Name);
        Assert.Equal(["a", "b"], (await store.ListAsync()).Select(k => k.Name));
    }

    [Fact]
    public async Task Duplicate_id_or_hash_is_rejected_and_the_first_is_kept()
    {
        var store = await CreateStoreAsync();
        var (key, secret) = NewKey("first");
        await store.AddAsync(key);
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddAsync(NewKey("dup-id").Key with { Id = key.Id }));
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddAsync(NewKey("dup-hash").Key with { Hash = key.Hash }));
        Assert.Equal("first", (await store.FindAsync(KeyHash.Compute(secret)))!.Name);
        Assert.Single(await store.ListAsync());
    }

    [Fact]
    public async Task Revoke_sets_the_time_and_the_key_is_still_found_so_it_can_be_refused_as_revoked()
    {
        var store = await CreateStoreAsync();
        var (key, secret) = NewKey();
        await store.AddAsync(key);
        Assert.True(await store.RevokeAsync(key.Id, T0.AddHours(1)));
        var found = await store.FindAsync(KeyHash.Compute(secret));
        Assert.Equal(T0.AddHours(1), found!.RevokedAt);
        Assert.False(await store.RevokeAsync("key_nope", T0));
    }

    [Fact]
    public async Task Expiry_can_be_set_and_cleared()
    {
        var store = await CreateStoreAsync();
        var (key, _) = NewKey();
        await store.AddAsync(key);
        Assert.True(await store.SetExpiryAsync(key.Id, T0.AddDays(1)));
        Assert.Equal(T0.AddDays(1), (await store.GetAsync(key.Id))!.ExpiresAt);
        Assert.True(await store.SetExpiryAsync(key.Id, null));
        Assert.Null((await store.GetAsync(key.Id))!.ExpiresAt);
        Assert.False(await store.SetExpiryAsync("key_nope", T0));
    }

    [Fact]
    public async Task Rotate_stores_the_replacement_and_schedules_the_old_revocation_together()
    {
        var store = await CreateStoreAsync();
        var (old, oldSecret) = NewKey("svc");
        await store.AddAsync(old);
        var (fresh, freshSecret) = NewKey("svc");
        fresh = fresh with { RotatedFromId = old.Id };

        Assert.True(await store.RotateAsync(old.Id, fresh, T0.AddMinutes(10)));
        Assert.Equal(T0.AddMinutes(10), (await store.FindAsync(KeyHash.Compute(oldSecret)))!.RevokedAt);
        var found = await store.FindAsync(KeyHash.Compute(freshSecret));
        Assert.Equal(old.Id, found!.RotatedFromId);
        Assert.Null(found.RevokedAt);
    }

    [Fact]
    public async Task Rotate_of_an_unknown_key_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var (fresh, freshSecret) = NewKey();
        Assert.False(await store.RotateAsync("key_nope", fresh, T0));
        Assert.Null(await store.FindAsync(KeyHash.Compute(freshSecret)));
        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task Usage_keeps_the_latest_time_per_key_and_ignores_unknown_ids()
    {
        var store = await CreateStoreAsync();
        var (a, _) = NewKey("a");
        await store.AddAsync(a);
        await store.RecordUsageAsync(new Dictionary<string, DateTimeOffset> { [a.Id] = T0.AddMinutes(5), ["key_nope"] = T0 });
        Assert.Equal(T0.AddMinutes(5), (await store.GetAsync(a.Id))!.LastUsedAt);
        await store.RecordUsageAsync(new Dictionary<string, DateTimeOffset> { [a.Id] = T0.AddMinutes(2) });
        Assert.Equal(T0.AddMinutes(5), (await store.GetAsync(a.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task Times_keep_millisecond_precision_and_utc()
    {
        var store = await CreateStoreAsync();
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);
        var (key, _) = NewKey();
        await store.AddAsync(key with { CreatedAt = at, ExpiresAt = at.AddDays(1) });
        var found = (await store.GetAsync(key.Id))!;
        Assert.Equal(at, found.CreatedAt);
        Assert.Equal(TimeSpan.Zero, found.CreatedAt.Offset);
        Assert.Equal(at.AddDays(1), found.ExpiresAt);
    }

    [Fact]
    public async Task Names_and_workspaces_with_quotes_and_unicode_round_trip()
    {
        var store = await CreateStoreAsync();
        var (key, _) = NewKey("O'Brien \"ops\" — clé 🔑");
        await store.AddAsync(key with { Workspace = "ws'; DROP TABLE api_keys; --" });
        var found = (await store.GetAsync(key.Id))!;
        Assert.Equal("O'Brien \"ops\" — clé 🔑", found.Name);
        Assert.Equal("ws'; DROP TABLE api_keys; --", found.Workspace);
    }

    [Fact]
    public async Task Many_concurrent_adds_and_reads_lose_nothing()
    {
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 50).Select(i => NewKey("k" + i)).ToArray();
        await Task.WhenAll(keys.Select(k => Task.Run(() => store.AddAsync(k.Key))));
        var found = await Task.WhenAll(keys.Select(k => Task.Run(async () => await store.FindAsync(KeyHash.Compute(k.Secret)))));
        Assert.All(found, Assert.NotNull);
        Assert.Equal(50, (await store.ListAsync()).Count);
    }
}

public sealed class InMemoryStoreContractTests : ApiKeyStoreContract
{
    protected override Task<IApiKeyStore> CreateStoreAsync() => Task.FromResult<IApiKeyStore>(new InMemoryApiKeyStore());
}
