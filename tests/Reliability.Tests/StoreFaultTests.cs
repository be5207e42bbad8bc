using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Declarative.Auth.Reliability.Tests;

/// <summary>The SQLite store locked or unreadable: 503 AUTH_UNAVAILABLE within the timeout, never 200, and recovery without a restart.</summary>
public sealed class StoreFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-faults-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static async Task<(int Status, string Body, TimeSpan Took)> Get(Host host, string key)
    {
        var clock = Stopwatch.StartNew();
        var context = await host.Server.SendAsync(ctx =>
        {
            ctx.Request.Method = "GET";
            ctx.Request.Path = "/v1/events";
            ctx.Request.Headers.Authorization = "Bearer " + key;
        });
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(), clock.Elapsed);
    }

    private async Task<(Host Host, string Db)> Start()
    {
        var db = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        // The cache is bypassed for new keys only; use fresh keys so every call reaches the store.
        var host = await Host.StartAsync(b => b.UseSqliteStore(db), o => { o.StoreTimeout = TimeSpan.FromSeconds(1); o.RateLimits.Enabled = false; });
        return (host, db);
    }

    [Fact]
    public async Task Locked_database_is_503_within_the_timeout_and_recovers_when_unlocked()
    {
        var (host, db) = await Start();
        await using var _ = host;
        var before = (await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "before", Permissions = ["read:events"] })).Secret;
        var probe = (await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "probe", Permissions = ["read:events"] })).Secret;
        Assert.Equal(200, (await Get(host, before)).Status);

        // In WAL mode a pooled connection keeps reading its snapshot through another process's lock; a real
        // lock bites on the next fresh connection, which is what a busy server sees as its pool turns over.
        SqliteConnection.ClearAllPools();
        using (var locker = new SqliteConnection($"Data Source={db};Pooling=False;Default Timeout=5"))
        {
            locker.Open();
            using (var cmd = locker.CreateCommand())
            {
                cmd.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE api_keys SET name = name;";
                cmd.ExecuteNonQuery();
            }
            var (status, body, took) = await Get(host, probe); // not cached yet: must reach the store
            output.WriteLine($"locked: {status} after {took.TotalMilliseconds:F0} ms");
            Assert.Equal(503, status);
            Assert.Contains("\"AUTH_UNAVAILABLE\"", body);
            Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
        }

        var after = await Get(host, probe);
        Assert.Equal(200, after.Status);
        Assert.Equal(200, (await Get(host, before)).Status); // nothing created before the fault is lost
    }

    [Fact]
    public async Task Unreadable_database_is_503_never_an_empty_store_and_recovers_when_restored()
    {
        var (host, db) = await Start();
        await using var _ = host;
        var key = (await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "k", Permissions = ["read:events"] })).Secret;
        var fresh = (await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "fresh", Permissions = ["read:events"] })).Secret;
        Assert.Equal(200, (await Get(host, key)).Status);

        SqliteConnection.ClearAllPools();
        var backup = db + ".bak";
        File.Move(db, backup); // the file disappears: the store must not create an empty one that knows no keys
        try
        {
            var (status, body, _) = await Get(host, fresh);
            Assert.Equal(503, status);
            Assert.Contains("\"AUTH_UNAVAILABLE\"", body);
            Assert.False(File.Exists(db), "the store created a new, empty database");

            await File.WriteAllBytesAsync(db, new byte[4096]); // garbage in its place: not a database
            SqliteConnection.ClearAllPools();
            Assert.Equal(503, (await Get(host, fresh)).Status);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(db);
            File.Move(backup, db);
        }
        SqliteConnection.ClearAllPools();
        Assert.Equal(200, (await Get(host, fresh)).Status);
        Assert.Equal(200, (await Get(host, key)).Status);
    }

    [Fact]
    public async Task A_removed_database_file_is_503_within_a_feed_poll_and_a_revoke_is_never_200()
    {
        // Issue 16.4: with the file deleted, pooled connections used to keep writing to it: the revoke said 200 and was lost.
        var (host, db) = await Start();
        await using var _ = host;
        var admin = (await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "admin", Permissions = ["admin"] })).Secret;
        var created = await host.Keys.CreateAsync(new CreateApiKeyRequest { Name = "k", Permissions = ["read:events"] });
        Assert.Equal(200, (await Get(host, created.Secret)).Status);
        Assert.Equal(200, (await Get(host, created.Secret)).Status); // cached now: only the feed can stop it

        var clock = Stopwatch.StartNew();
        foreach (var file in new[] { db, db + "-wal", db + "-shm" })
            File.Delete(file);
        int status;
        TimeSpan at;
        while (true)
        {
            status = (await Get(host, created.Secret)).Status;
            at = clock.Elapsed;
            if (status != 200 || at > TimeSpan.FromSeconds(5))
                break;
        }
        output.WriteLine($"a cached key was refused with {status} {at.TotalMilliseconds:F0} ms after the file was removed");
        Assert.Equal(503, status);
        Assert.True(at < TimeSpan.FromSeconds(1), $"took {at}");

        var revoke = await host.Server.SendAsync(ctx =>
        {
            ctx.Request.Method = "POST";
            ctx.Request.Path = $"/auth/keys/{created.Key.Id}/revoke";
            ctx.Request.Headers.Authorization = "Bearer " + admin;
        });
        Assert.Equal(503, revoke.Response.StatusCode); // never 200 for a write that cannot reach the live file
        Assert.False(File.Exists(db), "a new, empty database was created");
    }

    [Fact]
    public async Task A_store_that_hangs_is_503_after_StoreTimeout_not_a_hang()
    {
        var hanging = new HangingStore();
        await using var host = await Host.StartAsync(
            b => new DeclarativeAuthBuilder(b.Services).UseStore(_ => hanging, cache: false),
            o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        var (status, body, took) = await Get(host, host.Format.Generate());
        output.WriteLine($"hanging store: {status} after {took.TotalMilliseconds:F0} ms");
        Assert.Equal(503, status);
        Assert.Contains("\"AUTH_UNAVAILABLE\"", body);
        Assert.True(took < TimeSpan.FromSeconds(3));
    }

    private sealed class HangingStore : IApiKeyStore
    {
        public async ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken ct = default) { await Task.Delay(Timeout.Infinite, ct); return null; }
        public Task<ApiKey?> GetAsync(string id, CancellationToken ct = default) => Task.FromResult<ApiKey?>(null);
        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<ApiKey>>([]);
        public Task AddAsync(ApiKey key, CancellationToken ct = default) => Task.CompletedTask;
        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct = default) => Task.FromResult(false);
        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? at, CancellationToken ct = default) => Task.FromResult(false);
        public Task<bool> RotateAsync(string oldId, ApiKey r, DateTimeOffset at, CancellationToken ct = default) => Task.FromResult(false);
        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> u, CancellationToken ct = default) => Task.CompletedTask;
    }
}
