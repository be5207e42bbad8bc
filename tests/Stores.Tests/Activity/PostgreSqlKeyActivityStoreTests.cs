using Declarative.Auth.PostgreSql;
using Declarative.Auth.Stores.Tests.PostgreSql;

namespace Declarative.Auth.Stores.Tests.Activity;

/// <summary>The activity contract against a real server (started by the tests); each test gets its own schema.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
[Trait("Category", "PostgreSQL")]
public sealed class PostgreSqlKeyActivityStoreTests(PostgresServer server) : KeyActivityStoreContract, IAsyncLifetime
{
    private readonly List<PostgreSqlApiKeyStore> _stores = [];

    private protected override async Task<(IKeyAuditStore, IKeyUsageStore)> CreateAsync()
    {
        var keys = new PostgreSqlApiKeyStore(await server.GetConnectionStringAsync(), new PostgreSqlStoreOptions { Schema = PgTest.NewSchema() });
        _stores.Add(keys);
        var store = new PostgreSqlKeyActivityStore(keys);
        return (store, store);
    }

    [Fact]
    public async Task Two_instances_flushing_the_same_minute_sum_their_counts()
    {
        var schema = PgTest.NewSchema();
        var connection = await server.GetConnectionStringAsync();
        var first = new PostgreSqlApiKeyStore(connection, new PostgreSqlStoreOptions { Schema = schema });
        var second = new PostgreSqlApiKeyStore(connection, new PostgreSqlStoreOptions { Schema = schema });
        _stores.Add(first);
        _stores.Add(second);

        await Task.WhenAll(
            new PostgreSqlKeyActivityStore(first).AddAsync(T0, [new("key_a", "", 10), new("key_a", "FORBIDDEN", 1)]),
            new PostgreSqlKeyActivityStore(second).AddAsync(T0.AddSeconds(30), [new("key_a", "", 5)]));

        Assert.Equal([new(T0, "", 15), new(T0, "FORBIDDEN", 1)], await new PostgreSqlKeyActivityStore(first).ReadAsync("key_a", KeyUsageSpan.Minute, T0));
    }

    /// <summary>
    /// A schema at version 2 whose activity tables and rate-limit counts were made on first use (as before migrations 3
    /// and 4) and hold rows: the upgrade keeps the audit and usage rows, replaces the counts with the lease tables, and
    /// records version 4. Without the first-use tables it creates them.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_version_2_schema_upgrades_to_the_activity_and_lease_migrations_and_keeps_its_rows(bool tablesMadeOnFirstUse)
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        var s = "\"" + schema + "\"";
        await PgTest.ScalarAsync<int>(cs, $"""
            CREATE SCHEMA {s};
            CREATE TABLE {s}.declarative_auth_schema (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE {s}.api_keys (
                id text NOT NULL PRIMARY KEY, name text NOT NULL, hash bytea NOT NULL UNIQUE, display_part text NOT NULL,
                permissions text[] NOT NULL, environment integer NOT NULL, kind integer NOT NULL, workspace text NULL,
                source_connection text NULL, rotated_from_id text NULL, created_at timestamptz NOT NULL,
                expires_at timestamptz NULL, revoked_at timestamptz NULL, last_used_at timestamptz NULL, owner text NULL);
            INSERT INTO {s}.declarative_auth_schema (version) VALUES (1), (2);
            """ + (tablesMadeOnFirstUse ? $"""
            CREATE TABLE {s}.api_key_audit (seq bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL,
                action text NOT NULL, key_id text NULL, change text NOT NULL, workspace text NULL);
            CREATE INDEX api_key_audit_key ON {s}.api_key_audit (key_id, at);
            CREATE INDEX api_key_audit_at ON {s}.api_key_audit (at);
            CREATE TABLE {s}.api_key_usage (key_id text NOT NULL, span integer NOT NULL, start timestamptz NOT NULL,
                code text NOT NULL, count bigint NOT NULL, PRIMARY KEY (key_id, span, start, code));
            CREATE INDEX api_key_usage_start ON {s}.api_key_usage (span, start);
            CREATE TABLE {s}.rate_limit_counts (partition text NOT NULL, window_seconds bigint NOT NULL, window_start bigint NOT NULL,
                instance text NOT NULL, used bigint NOT NULL, PRIMARY KEY (partition, window_seconds, window_start, instance));
            CREATE TABLE {s}.rate_limit_counts_instances (instance text NOT NULL PRIMARY KEY, seen_at bigint NOT NULL);
            INSERT INTO {s}.api_key_audit (at, actor, action, key_id, change) VALUES ('2026-01-01T00:00:00Z', 'cli:ana', 'revoke', 'key_old', 'revoked');
            INSERT INTO {s}.api_key_usage VALUES ('key_old', 60, '2026-01-01T00:00:00Z', '', 42);
            INSERT INTO {s}.rate_limit_counts VALUES ('key_old', 60, 0, 'i0', 7);
            """ : "") + "SELECT 1;");
        var keys = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema });
        _stores.Add(keys);
        var store = new PostgreSqlKeyActivityStore(keys);
        await store.AppendAsync(new KeyAuditEntry(T0, "code", "create", "key_new", "created"));
        await store.AddAsync(T0, [new("key_new", "", 1)]);

        var audit = await store.ReadAsync(null, null, null, 10);
        Assert.Equal(tablesMadeOnFirstUse ? ["key_new", "key_old"] : ["key_new"], audit.Select(e => e.KeyId).Order());
        if (tablesMadeOnFirstUse)
            Assert.Equal(42, Assert.Single(await store.ReadAsync("key_old", KeyUsageSpan.Minute, DateTimeOffset.UnixEpoch)).Count);
        Assert.Equal(PostgreSqlSchema.LatestVersion, await PgTest.ScalarAsync<int>(cs, $"SELECT MAX(version) FROM {s}.declarative_auth_schema"));
        Assert.Equal(4, PostgreSqlSchema.LatestVersion);
        Assert.False(await PgTest.ScalarAsync<bool>(cs, $"SELECT to_regclass('{s}.rate_limit_counts') IS NOT NULL"));
        var leases = new PostgreSqlSharedRateLimitStore(keys, "i0", TimeProvider.System);
        Assert.Equal(3, (await leases.ReserveAsync([new("key_old", 60, 0, 10, 0, 3)], CancellationToken.None)).Grants[0].Granted);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable()
    {
        var keys = new PostgreSqlApiKeyStore("Host=127.0.0.1;Port=1;Timeout=2;Database=none;Username=none", new PostgreSqlStoreOptions());
        _stores.Add(keys);

        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => new PostgreSqlKeyActivityStore(keys).AppendAsync(new KeyAuditEntry(T0, "code", "create", "key_a", "x")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            await store.DisposeAsync();
    }
}
