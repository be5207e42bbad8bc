using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative.Auth.Stores.Tests;

public sealed class SqliteStoreContractTests : ApiKeyStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-sqlite-").FullName;

    protected override Task<IApiKeyStore> CreateStoreAsync()
        => Task.FromResult<IApiKeyStore>(new SqliteApiKeyStore(Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-sqlite-").FullName;
    private string NewPath() => Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static long Scalar(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    [Fact]
    public void Opening_creates_the_schema_once_in_WAL_mode()
    {
        var path = NewPath();
        _ = new SqliteApiKeyStore(path);
        _ = new SqliteApiKeyStore(path); // a second open upgrades nothing
        Assert.Equal(SqliteSchema.LatestVersion, Scalar(path, "SELECT COUNT(*) FROM declarative_auth_schema")); // one row per version
        Assert.Equal(SqliteSchema.LatestVersion, Scalar(path, "SELECT MAX(version) FROM declarative_auth_schema"));
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void A_database_from_a_newer_version_is_refused_with_a_clear_message()
    {
        var path = NewPath();
        _ = new SqliteApiKeyStore(path);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO declarative_auth_schema (version) VALUES (99);";
            cmd.ExecuteNonQuery();
        }
        var ex = Assert.Throws<InvalidOperationException>(() => new SqliteApiKeyStore(path));
        Assert.Contains("schema version 99", ex.Message);
    }

    [Fact]
    public async Task Only_the_hash_is_stored_never_the_secret()
    {
        var path = NewPath();
        var store = new SqliteApiKeyStore(path);
        var service = new ApiKeyService(store, new ApiKeyFormat("leak", KeyEnvironment.Test), TimeProvider.System);
        var created = await service.CreateAsync(new CreateApiKeyRequest { Name = "n", Permissions = ["read:events"] });
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(path);
        var wal = File.Exists(path + "-wal") ? await File.ReadAllBytesAsync(path + "-wal") : [];
        var all = System.Text.Encoding.ASCII.GetString([.. bytes, .. wal]);
        Assert.DoesNotContain(created.Secret, all);
        Assert.DoesNotContain(created.Secret[^28..], all);
        Assert.Contains(created.Key.DisplayPart.TrimEnd('…'), all);
    }

    [Fact]
    public async Task A_change_made_through_another_store_on_the_same_file_reaches_the_feed()
    {
        var path = NewPath();
        var mine = new SqliteApiKeyStore(path);
        using var feed = new SqliteKeyChangeFeed(mine, NullLogger<SqliteKeyChangeFeed>.Instance, TimeSpan.FromHours(1));
        var seen = new List<string?>();
        feed.Subscribe(id => { lock (seen) seen.Add(id); });

        var theirs = new SqliteApiKeyStore(path); // e.g. the CLI
        var key = new ApiKey { Id = "key_x", Name = "x", Hash = KeyHash.Compute("whatever"), Permissions = ["admin"], CreatedAt = DateTimeOffset.UtcNow };
        await theirs.AddAsync(key);
        await theirs.RevokeAsync("key_x", DateTimeOffset.UtcNow);
        feed.Poll();
        Assert.Equal(["key_x", "key_x"], seen);
        Assert.True(feed.IsHealthy);
    }

    [Fact]
    public async Task The_feed_polls_on_the_apps_TimeProvider()
    {
        var path = NewPath();
        var time = new FakeTimeProvider();
        using var feed = new SqliteKeyChangeFeed(new SqliteApiKeyStore(path), NullLogger<SqliteKeyChangeFeed>.Instance, TimeSpan.FromMilliseconds(250), time);
        var seen = new List<string?>();
        feed.Subscribe(id => { lock (seen) seen.Add(id); });

        var theirs = new SqliteApiKeyStore(path);
        await theirs.AddAsync(new ApiKey { Id = "key_t", Name = "t", Hash = KeyHash.Compute("t-secret"), Permissions = ["admin"], CreatedAt = time.GetUtcNow() });
        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Empty(seen); // no poll before the interval, whatever the wall clock does
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["key_t"], seen); // the fake timer ran the poll, synchronously
    }

    [Fact]
    public async Task A_locked_database_is_unavailable_not_empty()
    {
        var path = NewPath();
        var store = new SqliteApiKeyStore($"Data Source={path};Default Timeout=1");
        SqliteConnection.ClearAllPools(); // a fresh connection meets the lock (WAL readers keep their snapshot)
        using var locker = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=5");
        locker.Open();
        using (var cmd = locker.CreateCommand())
        {
            cmd.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;";
            cmd.ExecuteNonQuery();
        }
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(async () => await store.FindAsync(KeyHash.Compute("x")));
    }
}
