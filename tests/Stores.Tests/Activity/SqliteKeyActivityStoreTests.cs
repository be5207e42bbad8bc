using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Stores.Tests.Activity;

public sealed class SqliteKeyActivityStoreTests : KeyActivityStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-activity-").FullName;

    private protected override Task<(IKeyAuditStore, IKeyUsageStore)> CreateAsync()
    {
        var store = new SqliteKeyActivityStore(new SqliteApiKeyStore(Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db")));
        return Task.FromResult<(IKeyAuditStore, IKeyUsageStore)>((store, store));
    }

    [Fact]
    public async Task Another_process_on_the_same_file_reads_what_this_one_wrote()
    {
        var path = Path.Combine(_dir, "shared.db");
        await new SqliteKeyActivityStore(new SqliteApiKeyStore(path)).AppendAsync(new KeyAuditEntry(T0, "cli:ana", "revoke", "key_a", "revoked"));
        var other = new SqliteKeyActivityStore(new SqliteApiKeyStore(path));

        Assert.Equal("cli:ana", Assert.Single(await other.ReadAsync(null, null, null, 10)).Actor);
    }

    [Fact]
    public async Task A_missing_file_is_unavailable_not_an_empty_log()
    {
        var path = Path.Combine(_dir, "gone.db");
        var store = new SqliteKeyActivityStore(new SqliteApiKeyStore(path));
        await store.AppendAsync(new KeyAuditEntry(T0, "code", "create", "key_a", "x"));
        SqliteConnection.ClearAllPools();
        File.Delete(path);

        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.ReadAsync(null, null, null, 10));
    }

    /// <summary>
    /// A file at schema version 2 whose activity tables were made on first use (as before migration 3) and hold rows:
    /// the upgrade keeps them and records version 3; a version-2 file without them gains them.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_version_2_file_upgrades_to_the_activity_migration_and_keeps_its_rows(bool tablesMadeOnFirstUse)
    {
        var path = Path.Combine(_dir, "v2.db");
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var c = connection.CreateCommand();
            c.CommandText = """
                CREATE TABLE declarative_auth_schema (version INTEGER NOT NULL);
                CREATE TABLE api_keys (
                    id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, display_part TEXT NOT NULL,
                    permissions TEXT NOT NULL, environment INTEGER NOT NULL, kind INTEGER NOT NULL, workspace TEXT NULL,
                    source_connection TEXT NULL, rotated_from_id TEXT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NULL,
                    revoked_at INTEGER NULL, last_used_at INTEGER NULL, owner TEXT NULL);
                CREATE TABLE api_key_changes (seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, key_id TEXT NOT NULL, changed_at INTEGER NOT NULL);
                INSERT INTO declarative_auth_schema (version) VALUES (1), (2);
                """ + (tablesMadeOnFirstUse ? """
                CREATE TABLE api_key_audit (seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
                    action TEXT NOT NULL, key_id TEXT NULL, change TEXT NOT NULL, workspace TEXT NULL);
                CREATE INDEX api_key_audit_key ON api_key_audit (key_id, at);
                CREATE INDEX api_key_audit_at ON api_key_audit (at);
                CREATE TABLE api_key_usage (key_id TEXT NOT NULL, span INTEGER NOT NULL, start INTEGER NOT NULL, code TEXT NOT NULL,
                    count INTEGER NOT NULL, PRIMARY KEY (key_id, span, start, code));
                CREATE INDEX api_key_usage_start ON api_key_usage (span, start);
                INSERT INTO api_key_audit (at, actor, action, key_id, change) VALUES (1767225600000, 'cli:ana', 'revoke', 'key_old', 'revoked');
                INSERT INTO api_key_usage VALUES ('key_old', 60, 1767225600000, '', 42);
                """ : "");
            c.ExecuteNonQuery();
        }

        var store = new SqliteKeyActivityStore(new SqliteApiKeyStore(path));
        await store.AppendAsync(new KeyAuditEntry(T0, "code", "create", "key_new", "created"));
        await store.AddAsync(T0, [new("key_new", "", 1)]);

        var audit = await store.ReadAsync(null, null, null, 10);
        Assert.Equal(tablesMadeOnFirstUse ? ["key_new", "key_old"] : ["key_new"], audit.Select(e => e.KeyId).Order());
        if (tablesMadeOnFirstUse)
            Assert.Equal(42, Assert.Single(await store.ReadAsync("key_old", KeyUsageSpan.Minute, DateTimeOffset.UnixEpoch)).Count);
        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM declarative_auth_schema;";
        Assert.Equal(3L, (long)version.ExecuteScalar()!);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
