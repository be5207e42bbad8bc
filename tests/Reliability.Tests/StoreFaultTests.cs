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
