using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative.Auth.Stores.Tests;

/// <summary>
/// Issue 16.4, 16.5, 16.12 and 15.5 on SQLite: a database removed, replaced or restored under a running app, a row
/// that cannot be read, and the owner column added to databases made by earlier versions.
/// </summary>
public sealed class SqliteFileFaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-sqlite-fault-").FullName;
    private string NewPath() => Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static ApiKey NewKey(string id) => new()
    {
        Id = id, Name = id, Hash = KeyHash.Compute("secret-of-" + id), Permissions = ["read:events"], CreatedAt = DateTimeOffset.UtcNow,
    };

    private static void Execute(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void RemoveDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            File.Delete(file);
    }

    // ---- 16.4: removed while running -----------------------------------------------------------------

    [Fact]
    public async Task A_removed_database_is_unavailable_and_a_revoke_is_never_acknowledged()
    {
        var path = NewPath();
        var store = new SqliteApiKeyStore(path);
        await store.AddAsync(NewKey("key_a"));
        Assert.NotNull(await store.GetAsync("key_a")); // the pool now holds a connection to this file

        RemoveDatabase(path);

        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.RevokeAsync("key_a", DateTimeOffset.UtcNow));
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(async () => await store.FindAsync(KeyHash.Compute("secret-of-key_a")));
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.ListAsync());
        Assert.False(File.Exists(path)); // and nothing was recreated
    }

    [Fact]
    public async Task A_removed_database_makes_the_feed_unhealthy_at_its_next_poll_so_caches_stop_serving()
    {
        var path = NewPath();
        var store = new SqliteApiKeyStore(path);
        using var feed = new SqliteKeyChangeFeed(store, NullLogger<SqliteKeyChangeFeed>.Instance, TimeSpan.FromHours(1));
        var seen = new List<string?>();
        feed.Subscribe(id => { lock (seen) seen.Add(id); });
        await store.AddAsync(NewKey("key_a"));
        feed.Poll();
        Assert.True(feed.IsHealthy);

        RemoveDatabase(path);
        feed.Poll();
        Assert.False(feed.IsHealthy);
        Assert.Contains(null, seen);
    }

    [Fact]
    public async Task A_database_recreated_at_the_path_is_used_and_caches_are_told_to_drop_everything()
    {
        var path = NewPath();
        var store = new SqliteApiKeyStore(path);
        using var feed = new SqliteKeyChangeFeed(store, NullLogger<SqliteKeyChangeFeed>.Instance, TimeSpan.FromHours(1));
        await store.AddAsync(NewKey("key_old"));
        feed.Poll();

        RemoveDatabase(path);
        var cli = new SqliteApiKeyStore(path); // e.g. `keys create` after the file was deleted: a new, empty file
        await cli.AddAsync(NewKey("key_new"));
        var seen = new List<string?>();
        feed.Subscribe(id => { lock (seen) seen.Add(id); });

        Assert.NotNull(await store.FindAsync(KeyHash.Compute("secret-of-key_new"))); // the app sees the live file's keys
        Assert.Null(await store.GetAsync("key_old"));
        Assert.Contains(null, seen);
        await store.RevokeAsync("key_new", DateTimeOffset.UtcNow);
        Assert.NotNull((await cli.GetAsync("key_new"))!.RevokedAt); // and its writes reach it
        feed.Poll();
        Assert.True(feed.IsHealthy);
    }

    // ---- 16.5: a backup restored online ---------------------------------------------------------------

    [Fact]
    public async Task A_backup_restored_into_the_file_rewinds_the_log_and_the_feed_drops_the_cache()
    {
        var path = NewPath();
        var backup = NewPath();
        var store = new SqliteApiKeyStore(path);
        using var feed = new SqliteKeyChangeFeed(store, NullLogger<SqliteKeyChangeFeed>.Instance, TimeSpan.FromHours(1));
        await store.AddAsync(NewKey("key_a"));
        await store.AddAsync(NewKey("key_b"));
        using (var live = new SqliteConnection($"Data Source={path};Pooling=False"))
        using (var copy = new SqliteConnection($"Data Source={backup};Pooling=False"))
        {
            live.Open();
            live.BackupDatabase(copy);
        }
        for (var i = 0; i < 5; i++)
            await store.SetExpiryAsync("key_a", DateTimeOffset.UtcNow.AddDays(i + 1)); // the log moves on after the backup
        feed.Poll();
        var seen = new List<string?>();
        feed.Subscribe(id => { lock (seen) seen.Add(id); });

        using (var copy = new SqliteConnection($"Data Source={backup};Pooling=False"))
        using (var live = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            copy.Open();
            copy.BackupDatabase(live); // the online restore: same file, older content, lower sequence
        }
        await new SqliteApiKeyStore(path).RevokeAsync("key_b", DateTimeOffset.UtcNow); // e.g. the CLI, right after
        feed.Poll();

        Assert.Contains(null, seen); // everything dropped: key_b's revocation is enforced, not ignored for the cache's life
        Assert.True(feed.IsHealthy);
        await store.RevokeAsync("key_a", DateTimeOffset.UtcNow);
        seen.Clear();
        feed.Poll();
        Assert.Equal(["key_a"], seen); // and it follows the restored log from then on
    }

    // ---- 16.12: a row that cannot be read --------------------------------------------------------------

    [Theory]
    [InlineData("UPDATE api_keys SET hash = x'0102' WHERE id = 'key_bad';")]
    [InlineData("UPDATE api_keys SET hash = 'not a blob' WHERE id = 'key_bad';")]
    [InlineData("UPDATE api_keys SET kind = -1 WHERE id = 'key_bad';")]
    [InlineData("UPDATE api_keys SET kind = 99 WHERE id = 'key_bad';")]
    public async Task A_row_that_cannot_be_read_is_skipped_and_logged_and_listing_still_works(string corrupt)
    {
        var path = NewPath();
        var logs = new FakeLogger();
        var store = new SqliteApiKeyStore(path) { Logger = logs };
        await store.AddAsync(NewKey("key_good"));
        await store.AddAsync(NewKey("key_bad"));
        Execute(path, corrupt);

        var listed = await store.ListAsync();
        Assert.Equal(["key_good"], listed.Select(k => k.Id));
        Assert.Null(await store.GetAsync("key_bad"));
        Assert.Null(await store.FindAsync(KeyHash.Compute("secret-of-key_bad")));
        Assert.Contains(logs.Collector.GetSnapshot().Select(r => r.Message), m => m.Contains("key_bad", StringComparison.Ordinal) && m.Contains("Skipped", StringComparison.Ordinal));
    }

    // ---- 15.5: owners on databases made by earlier versions ---------------------------------------------

    [Fact]
    public async Task A_version_1_database_gains_the_owner_column_and_keeps_its_keys()
    {
        var path = NewPath();
        Execute(path, """
            CREATE TABLE declarative_auth_schema (version INTEGER NOT NULL);
            CREATE TABLE api_keys (
                id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, display_part TEXT NOT NULL,
                permissions TEXT NOT NULL, environment INTEGER NOT NULL, kind INTEGER NOT NULL, workspace TEXT NULL,
                source_connection TEXT NULL, rotated_from_id TEXT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NULL,
                revoked_at INTEGER NULL, last_used_at INTEGER NULL);
            CREATE TABLE api_key_changes (seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, key_id TEXT NOT NULL, changed_at INTEGER NOT NULL);
            INSERT INTO declarative_auth_schema (version) VALUES (1);
            INSERT INTO api_keys VALUES ('key_v1', 'old', x'0000000000000000000000000000000000000000000000000000000000000001', 'dauth_test_ab…', 'admin', 0, 0, NULL, NULL, NULL, 0, NULL, NULL, NULL);
            """);
        var store = new SqliteApiKeyStore(path);
        var old = await store.GetAsync("key_v1");
        Assert.NotNull(old);
        Assert.Null(old.Owner);
        await store.AddAsync(NewKey("key_owned") with { Owner = "user_7" });
        Assert.Equal("user_7", (await store.GetAsync("key_owned"))!.Owner);
    }
}

public sealed class SqliteFileIdentityTests
{
    [Fact]
    public void The_identity_of_a_file_is_its_inode_and_changes_when_the_file_is_replaced()
    {
        var dir = Directory.CreateTempSubdirectory("dauth-identity-").FullName;
        try
        {
            var path = Path.Combine(dir, "a");
            File.WriteAllText(path, "1");
            var first = SqliteFileIdentity.Of(path);
            Assert.NotNull(first);
            Assert.Equal(first, SqliteFileIdentity.Of(path));
            if (!OperatingSystem.IsWindows())
                Assert.NotEqual(0UL, first.Value.Inode); // stat really ran
            File.WriteAllText(path + ".new", "2");
            File.Move(path + ".new", path, overwrite: true);
            if (!OperatingSystem.IsWindows())
                Assert.NotEqual(first, SqliteFileIdentity.Of(path));
            File.Delete(path);
            Assert.Null(SqliteFileIdentity.Of(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
