namespace Declarative.Auth.Stores.Tests.Activity;

/// <summary>What every audit and usage store must do: the in-memory, SQLite and PostgreSQL stores all run it.</summary>
public abstract class KeyActivityStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private protected abstract Task<(IKeyAuditStore Audit, IKeyUsageStore Usage)> CreateAsync();

    [Fact]
    public async Task Audit_entries_round_trip_newest_first_with_every_field()
    {
        var (audit, _) = await CreateAsync();
        await audit.AppendAsync(new KeyAuditEntry(T0, "cli:ana", "create", "key_a", "name: ci; permissions: read:events", "ws1"));
        await audit.AppendAsync(new KeyAuditEntry(T0.AddMinutes(1), "key_admin", "revoke", "key_a", "revoked: never → 2026-11-30T08:01:00Z", "ws1"));
        await audit.AppendAsync(new KeyAuditEntry(T0.AddMinutes(2), "anonymous", "denied", null, "401 UNAUTHORIZED: GET /auth/keys/"));

        var all = await audit.ReadAsync(null, null, null, 10);

        Assert.Equal(["denied", "revoke", "create"], all.Select(e => e.Action));
        Assert.Equal(new KeyAuditEntry(T0, "cli:ana", "create", "key_a", "name: ci; permissions: read:events", "ws1"), all[2]);
        Assert.Null(all[0].KeyId);
        Assert.Equal(T0.AddMinutes(1), all[1].At);
    }

    [Fact]
    public async Task Audit_reads_filter_by_key_time_workspace_and_limit()
    {
        var (audit, _) = await CreateAsync();
        for (var i = 0; i < 5; i++)
            await audit.AppendAsync(new KeyAuditEntry(T0.AddMinutes(i), "code", "expire", i % 2 == 0 ? "key_even" : "key_odd", $"n{i}", i < 2 ? "ws1" : null));

        Assert.Equal(["n4", "n2", "n0"], (await audit.ReadAsync("key_even", null, null, 10)).Select(e => e.Change));
        Assert.Equal(["n4", "n3"], (await audit.ReadAsync(null, T0.AddMinutes(3), null, 10)).Select(e => e.Change));
        Assert.Equal(["n1", "n0"], (await audit.ReadAsync(null, null, "ws1", 10)).Select(e => e.Change));
        Assert.Equal(["n4", "n3"], (await audit.ReadAsync(null, null, null, 2)).Select(e => e.Change));
    }

    [Fact]
    public async Task Audit_purge_removes_only_older_entries_in_batches()
    {
        var (audit, _) = await CreateAsync();
        for (var i = 0; i < 7; i++)
            await audit.AppendAsync(new KeyAuditEntry(T0.AddDays(i), "code", "create", "key_" + i, "x"));

        Assert.Equal(3, await audit.PurgeAsync(T0.AddDays(5), batch: 3));
        Assert.Equal(2, await audit.PurgeAsync(T0.AddDays(5), batch: 3));
        Assert.Equal(0, await audit.PurgeAsync(T0.AddDays(5), batch: 3));
        Assert.Equal(["key_6", "key_5"], (await audit.ReadAsync(null, null, null, 10)).Select(e => e.KeyId));
    }

    [Fact]
    public async Task Usage_adds_up_per_minute_and_per_hour_across_flushes()
    {
        var (_, usage) = await CreateAsync();
        await usage.AddAsync(T0.AddSeconds(10), [new("key_a", "", 5), new("key_a", "FORBIDDEN", 2), new("key_b", "", 1)]);
        await usage.AddAsync(T0.AddSeconds(50), [new("key_a", "", 3)]); // same minute: added, as a second instance's flush is
        await usage.AddAsync(T0.AddMinutes(1), [new("key_a", "", 4), new("key_a", "RATE_LIMITED", 1)]);

        var minutes = await usage.ReadAsync("key_a", KeyUsageSpan.Minute, T0);
        Assert.Equal(
            [new(T0, "", 8), new(T0, "FORBIDDEN", 2), new(T0.AddMinutes(1), "", 4), new(T0.AddMinutes(1), "RATE_LIMITED", 1)],
            minutes);
        var hours = await usage.ReadAsync("key_a", KeyUsageSpan.Hour, T0.AddHours(-1));
        Assert.Equal([new(T0, "", 12), new(T0, "FORBIDDEN", 2), new(T0, "RATE_LIMITED", 1)], hours);
        Assert.Equal([new KeyUsageBucket(T0, "", 1)], await usage.ReadAsync("key_b", KeyUsageSpan.Minute, T0));
        Assert.Empty(await usage.ReadAsync("key_a", KeyUsageSpan.Minute, T0.AddMinutes(2)));
    }

    [Fact]
    public async Task Usage_purge_is_per_span_and_batched()
    {
        var (_, usage) = await CreateAsync();
        for (var i = 0; i < 4; i++)
            await usage.AddAsync(T0.AddMinutes(i), [new("key_a", "", 1)]);

        Assert.Equal(2, await usage.PurgeAsync(KeyUsageSpan.Minute, T0.AddMinutes(3), batch: 2));
        Assert.Equal(1, await usage.PurgeAsync(KeyUsageSpan.Minute, T0.AddMinutes(3), batch: 2));
        Assert.Equal([new KeyUsageBucket(T0.AddMinutes(3), "", 1)], await usage.ReadAsync("key_a", KeyUsageSpan.Minute, T0));
        Assert.Equal([new KeyUsageBucket(T0, "", 4)], await usage.ReadAsync("key_a", KeyUsageSpan.Hour, T0)); // hours untouched
    }
}

public sealed class InMemoryKeyActivityStoreTests : KeyActivityStoreContract
{
    private protected override Task<(IKeyAuditStore, IKeyUsageStore)> CreateAsync()
        => Task.FromResult<(IKeyAuditStore, IKeyUsageStore)>((new InMemoryKeyAuditStore(), new InMemoryKeyUsageStore()));
}
