using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Stores.Tests.Activity;

public sealed class KeyAuditLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly DeclarativeAuthOptions _options = new();
    private readonly InMemoryKeyAuditStore _store = new();

    private KeyAuditLog Log(IKeyAuditStore? store = null) => new(store ?? _store, _time, Options.Create(_options));

    private ApiKeyService Service(KeyAuditLog log)
        => new(new InMemoryApiKeyStore(_time), new ApiKeyFormat("audit", KeyEnvironment.Test), _time) { Audit = log };

    [Fact]
    public async Task Create_rotate_revoke_and_expire_are_recorded_with_actor_target_and_change_and_never_a_secret()
    {
        var log = Log();
        var service = Service(log).As("cli:ana");
        var created = await service.CreateAsync(new CreateApiKeyRequest { Name = "ci", Permissions = ["read:events"], ExpiresAt = _time.GetUtcNow().AddDays(30) });
        _time.Advance(TimeSpan.FromMinutes(1));
        var rotated = await service.RotateAsync(created.Key.Id, TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(1));
        await service.ExpireAsync(rotated.Key.Id, _time.GetUtcNow().AddDays(1));
        await service.RevokeAsync(rotated.Key.Id);

        var entries = (await _store.ReadAsync(null, null, null, 100)).Reverse().ToList();

        Assert.Equal(["create", "rotate", "create", "expire", "revoke"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("cli:ana", e.Actor));
        Assert.Equal([created.Key.Id, created.Key.Id, rotated.Key.Id, rotated.Key.Id, rotated.Key.Id], entries.Select(e => e.KeyId));
        Assert.Equal("name: ci; permissions: read:events; expires: 2026-12-30T08:00:00Z", entries[0].Change);
        Assert.Equal($"replaced by: {rotated.Key.Id}; old key works until: 2026-11-30T09:01:00Z; new key expires: 2026-12-30T08:00:00Z", entries[1].Change);
        Assert.Contains($"rotated from: {created.Key.Id}", entries[2].Change, StringComparison.Ordinal);
        Assert.Equal("expires: 2026-12-30T08:00:00Z → 2026-12-01T08:02:00Z", entries[3].Change);
        Assert.Equal("revoked: never → 2026-11-30T08:02:00Z", entries[4].Change);
        Assert.Equal(_time.GetUtcNow(), entries[4].At);
        foreach (var secret in new[] { created.Secret, rotated.Secret })
        {
            var text = string.Join("\n", entries.Select(e => $"{e.Actor} {e.Action} {e.KeyId} {e.Change}"));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(KeyHash.Compute(secret).ToHex(), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret[..20], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task App_code_is_the_actor_unless_told_otherwise_and_the_actor_survives_For()
    {
        var service = Service(Log());
        var key = (await service.CreateAsync(new CreateApiKeyRequest { Name = "a", Permissions = ["admin"] })).Key;
        await service.As("key_admin").For("ws", TimeSpan.FromSeconds(1)).ListAsync();
        await service.As("secret-scanning").For(null, TimeSpan.FromSeconds(1)).RevokeAsync(key.Id);

        Assert.Equal(["secret-scanning", "code"], (await _store.ReadAsync(null, null, null, 10)).Select(e => e.Actor));
    }

    [Fact]
    public async Task Hostile_actor_and_target_are_cut_and_cleaned_before_they_are_stored()
    {
        var log = Log();
        await log.RecordDeniedAsync("key_x\r\nFAKE 2026 admin revoke key_y" + new string('a', 10_000), "key_\u202Eevil\u0000" + new string('b', 10_000),
            "403 FORBIDDEN: " + new string('c', 100_000));

        var entry = Assert.Single(await _store.ReadAsync(null, null, null, 10));
        Assert.True(entry.Actor.Length <= KeyAuditText.MaxActor);
        Assert.True(entry.KeyId!.Length <= KeyAuditText.MaxKeyId);
        Assert.True(entry.Change.Length <= KeyAuditText.MaxChange);
        foreach (var text in new[] { entry.Actor, entry.KeyId, entry.Change })
            Assert.Null(KeyText.FirstRefused(text));
        Assert.StartsWith("key_x\uFFFD\uFFFDFAKE", entry.Actor, StringComparison.Ordinal);
        Assert.StartsWith("key_\uFFFDevil\uFFFD", entry.KeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_calls_beyond_the_bound_are_counted_and_the_count_is_recorded_with_the_next_one()
    {
        _options.Audit.DeniedPerMinute = 3;
        var log = Log();
        for (var i = 0; i < 10; i++)
            await log.RecordDeniedAsync("anonymous", null, "401 UNAUTHORIZED: GET /auth/keys/");
        Assert.Equal(3, (await _store.ReadAsync(null, null, null, 100)).Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        await log.RecordDeniedAsync("anonymous", null, "401 UNAUTHORIZED: GET /auth/keys/");

        var latest = (await _store.ReadAsync(null, null, null, 100))[0];
        Assert.Contains("7 more refused calls", latest.Change, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_the_store_refuses_never_fails_the_operation_and_is_written_by_the_next_maintenance()
    {
        var flaky = new FlakyAuditStore { Failing = true };
        var log = Log(flaky);
        var service = Service(log);

        var created = await service.CreateAsync(new CreateApiKeyRequest { Name = "a", Permissions = ["read:x"] });

        Assert.Equal(1, log.PendingCount);
        flaky.Failing = false;
        await Maintenance(log).RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, log.PendingCount);
        Assert.Equal(created.Key.Id, Assert.Single(await flaky.Inner.ReadAsync(null, null, null, 10)).KeyId);
    }

    [Fact]
    public async Task Maintenance_purges_entries_older_than_the_retention_in_batches()
    {
        _options.Audit.Retention = TimeSpan.FromDays(90);
        var log = Log();
        for (var i = 0; i < KeyAuditLog.PurgeBatch * 2 + 7; i++)
            await _store.AppendAsync(new KeyAuditEntry(_time.GetUtcNow(), "code", "create", "key_old", "x"));
        _time.Advance(TimeSpan.FromDays(60));
        await log.RecordDeniedAsync("anonymous", null, "recent");

        await Maintenance(log).RunOnceAsync(CancellationToken.None);
        Assert.Equal(KeyAuditLog.PurgeBatch * 2 + 8, (await _store.ReadAsync(null, null, null, 10_000)).Count); // 60 days: all kept

        _time.Advance(TimeSpan.FromDays(31));
        await Maintenance(log).RunOnceAsync(CancellationToken.None);

        Assert.Equal("recent", Assert.Single(await _store.ReadAsync(null, null, null, 10_000)).Change);
    }

    [Fact]
    public void A_retention_that_is_not_positive_stops_start_up_naming_the_setting()
    {
        _options.Audit.Retention = TimeSpan.Zero;
        _options.Usage.HourRetention = TimeSpan.FromDays(-1);

        var result = new DeclarativeAuthOptionsValidator().Validate(null, _options);

        Assert.True(result.Failed);
        Assert.Contains("DeclarativeAuth:Audit:Retention must be positive", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("DeclarativeAuth:Usage:HourRetention must be positive", result.FailureMessage, StringComparison.Ordinal);
    }

    private KeyActivityMaintenance Maintenance(KeyAuditLog log)
        => new(log, new InMemoryKeyUsageStore(), _time, Options.Create(_options), NullLogger<KeyActivityMaintenance>.Instance);

    private sealed class FlakyAuditStore : IKeyAuditStore
    {
        public InMemoryKeyAuditStore Inner { get; } = new();

        public bool Failing { get; set; }

        public Task AppendAsync(KeyAuditEntry entry, CancellationToken cancellationToken = default)
            => Failing ? Task.FromException(new KeyStoreUnavailableException("down")) : Inner.AppendAsync(entry, cancellationToken);

        public Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken = default)
            => Inner.ReadAsync(keyId, since, workspace, limit, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset before, int batch, CancellationToken cancellationToken = default)
            => Inner.PurgeAsync(before, batch, cancellationToken);
    }
}
