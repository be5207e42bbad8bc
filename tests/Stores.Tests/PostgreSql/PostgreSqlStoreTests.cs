using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Declarative.Auth.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace Declarative.Auth.Stores.Tests.PostgreSql;

/// <summary>The store contract against a real server; each test gets its own schema.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
[Trait("Category", "PostgreSQL")]
public sealed class PostgreSqlStoreContractTests(PostgresServer server) : ApiKeyStoreContract, IAsyncLifetime
{
    private readonly List<PostgreSqlApiKeyStore> _stores = [];

    protected override async Task<IApiKeyStore> CreateStoreAsync()
    {
        var store = new PostgreSqlApiKeyStore(await server.GetConnectionStringAsync(), new PostgreSqlStoreOptions { Schema = PgTest.NewSchema() });
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            await store.DisposeAsync();
    }
}

internal static class PgTest
{
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}");
            await Task.Delay(5);
        }
    }

    public static (ApiKey Key, string Secret) NewKey(string name = "k")
    {
        var secret = new ApiKeyFormat("pgtest", KeyEnvironment.Test).Generate();
        return (new ApiKey
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..20],
            Name = name,
            Hash = KeyHash.Compute(secret),
            DisplayPart = ApiKeyFormat.DisplayPartOf(secret),
            Permissions = ["read:events"],
            Environment = KeyEnvironment.Test,
            CreatedAt = DateTimeOffset.UtcNow,
        }, secret);
    }
}

/// <summary>Counts the lookups that reach the database, to tell cache hits from misses.</summary>
internal sealed class CountingStore(IApiKeyStore inner) : IApiKeyStore
{
    private int _finds;
    public int Finds => Volatile.Read(ref _finds);

    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _finds);
        return inner.FindAsync(hash, cancellationToken);
    }

    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);
    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) => inner.AddAsync(key, cancellationToken);
    public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => inner.RevokeAsync(id, revokedAt, cancellationToken);
    public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) => inner.SetExpiryAsync(id, expiresAt, cancellationToken);
    public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
        => inner.RotateAsync(oldId, replacement, oldRevokedAt, cancellationToken);
    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
        => inner.RecordUsageAsync(lastUsed, cancellationToken);
}

[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSQL")]
public sealed class PostgreSqlStoreTests(PostgresServer server, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Instances_starting_together_create_the_schema_once()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema })).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureSchemaAsync())));
            Assert.Equal(PostgreSqlSchema.LatestVersion, await PgTest.ScalarAsync<long>(cs, $"SELECT COUNT(*) FROM {schema}.declarative_auth_schema"));
            Assert.Equal(PostgreSqlSchema.LatestVersion, await PgTest.ScalarAsync<int>(cs, $"SELECT MAX(version) FROM {schema}.declarative_auth_schema"));
            Assert.Empty(await stores[3].ListAsync());
        }
        finally
        {
            foreach (var s in stores)
                await s.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task A_database_from_a_newer_version_is_refused_with_a_clear_message()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        await using (var first = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema }))
            await first.EnsureSchemaAsync();
        await PgTest.ScalarAsync<int>(cs, $"INSERT INTO {schema}.declarative_auth_schema (version) VALUES (99) RETURNING version");
        await using var second = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => second.EnsureSchemaAsync());
        Assert.Contains("version 99", ex.Message);
    }

    [PostgresFact]
    public async Task Only_the_hash_is_stored_never_the_secret()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema });
        var service = new ApiKeyService(store, new ApiKeyFormat("leak", KeyEnvironment.Test), TimeProvider.System);
        var created = await service.CreateAsync(new CreateApiKeyRequest { Name = "n", Permissions = ["read:events"] });
        var row = await PgTest.ScalarAsync<string>(cs, $"SELECT row_to_json(k)::text FROM {schema}.api_keys k");
        Assert.DoesNotContain(created.Secret, row);
        Assert.DoesNotContain(created.Secret[^28..], row);
        Assert.Contains(created.Key.DisplayPart.TrimEnd('…'), row);
    }

    [PostgresFact]
    public async Task Every_write_that_changes_a_key_announces_its_id_and_nothing_else_does()
    {
        var cs = await server.GetConnectionStringAsync();
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = PgTest.NewSchema() });
        await store.EnsureSchemaAsync();
        await using var listener = new NpgsqlConnection(cs);
        await listener.OpenAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlStoreOptions.Channel}", listener))
            await listen.ExecuteNonQueryAsync();

        async Task<string[]> Drain()
        {
            while (await listener.WaitAsync(TimeSpan.FromMilliseconds(300)))
            {
            }
            var got = heard.ToArray();
            heard.Clear();
            return got;
        }

        var (a, _) = PgTest.NewKey("a");
        await store.AddAsync(a);
        Assert.Equal([a.Id], await Drain()); // an add too: a cache that remembered a miss for its hash forgets it
        Assert.True(await store.RevokeAsync(a.Id, DateTimeOffset.UtcNow));
        Assert.Equal([a.Id], await Drain());
        Assert.True(await store.SetExpiryAsync(a.Id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal([a.Id], await Drain());
        var (b, _) = PgTest.NewKey("b");
        Assert.True(await store.RotateAsync(a.Id, b with { RotatedFromId = a.Id }, DateTimeOffset.UtcNow));
        Assert.Equal([a.Id], await Drain());
        Assert.False(await store.RevokeAsync("key_nope", DateTimeOffset.UtcNow));
        await store.RecordUsageAsync(new Dictionary<string, DateTimeOffset> { [b.Id] = DateTimeOffset.UtcNow });
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(b)); // duplicate: rolled back, silent
        Assert.Empty(await Drain());
    }

    [PostgresFact]
    public async Task A_row_that_cannot_be_read_is_skipped_and_logged_and_listing_still_works()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        var logs = new FakeLogger();
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema }) { Logger = logs };
        var (good, _) = PgTest.NewKey("good");
        var (bad, badSecret) = PgTest.NewKey("bad");
        var (alsoBad, _) = PgTest.NewKey("also-bad");
        await store.AddAsync(good);
        await store.AddAsync(bad);
        await store.AddAsync(alsoBad);
        await PgTest.ScalarAsync<int>(cs, $"UPDATE {schema}.api_keys SET hash = '\\x0102' WHERE id = '{bad.Id}'; UPDATE {schema}.api_keys SET kind = -1 WHERE id = '{alsoBad.Id}'; SELECT 1");

        Assert.Equal([good.Id], (await store.ListAsync()).Select(k => k.Id));
        Assert.Null(await store.GetAsync(bad.Id));
        Assert.Null(await store.GetAsync(alsoBad.Id));
        Assert.Null(await store.FindAsync(KeyHash.Compute(badSecret)));
        Assert.Contains(logs.Collector.GetSnapshot().Select(r => r.Message), m => m.Contains(bad.Id, StringComparison.Ordinal));
        Assert.Contains(logs.Collector.GetSnapshot().Select(r => r.Message), m => m.Contains(alsoBad.Id, StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task A_version_1_schema_gains_the_owner_column_and_keeps_its_keys()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        await PgTest.ScalarAsync<int>(cs, $"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.declarative_auth_schema (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE {schema}.api_keys (
                id text NOT NULL PRIMARY KEY, name text NOT NULL, hash bytea NOT NULL UNIQUE, display_part text NOT NULL,
                permissions text[] NOT NULL, environment integer NOT NULL, kind integer NOT NULL, workspace text NULL,
                source_connection text NULL, rotated_from_id text NULL, created_at timestamptz NOT NULL,
                expires_at timestamptz NULL, revoked_at timestamptz NULL, last_used_at timestamptz NULL);
            INSERT INTO {schema}.declarative_auth_schema (version) VALUES (1);
            INSERT INTO {schema}.api_keys VALUES ('key_v1', 'old', decode(repeat('00', 32), 'hex'), 'pg_test_ab…', ARRAY['admin'], 0, 0, NULL, NULL, NULL, now(), NULL, NULL, NULL);
            SELECT 1
            """);
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema });
        var old = await store.GetAsync("key_v1");
        Assert.NotNull(old);
        Assert.Null(old.Owner);
        var (owned, _) = PgTest.NewKey("owned");
        await store.AddAsync(owned with { Owner = "user_7" });
        Assert.Equal("user_7", (await store.GetAsync(owned.Id))!.Owner);
        Assert.Equal(PostgreSqlSchema.LatestVersion, await PgTest.ScalarAsync<int>(cs, $"SELECT MAX(version) FROM {schema}.declarative_auth_schema"));
    }

    [PostgresFact]
    public async Task A_missing_table_is_unavailable_not_an_unknown_key()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema });
        await store.EnsureSchemaAsync();
        await PgTest.ScalarAsync<int>(cs, $"DROP TABLE {schema}.api_keys; SELECT 1");
        var ex = await Assert.ThrowsAsync<KeyStoreUnavailableException>(async () => await store.FindAsync(KeyHash.Compute("x")));
        Assert.Contains("42P01", ex.Message);
    }

    [PostgresFact]
    public async Task A_lookup_blocked_by_a_lock_gives_up_after_the_lookup_timeout()
    {
        var cs = await server.GetConnectionStringAsync();
        var schema = PgTest.NewSchema();
        await using var store = new PostgreSqlApiKeyStore(cs, new PostgreSqlStoreOptions { Schema = schema, LookupTimeout = TimeSpan.FromMilliseconds(500) });
        await store.EnsureSchemaAsync();
        await using var locker = new NpgsqlConnection(cs);
        await locker.OpenAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {schema}.api_keys IN ACCESS EXCLUSIVE MODE", locker, tx))
            await lockTable.ExecuteNonQueryAsync();

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(async () => await store.FindAsync(KeyHash.Compute("x")));
        output.WriteLine($"gave up after {watch.ElapsedMilliseconds} ms");
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3));
        await tx.RollbackAsync();
        Assert.Null(await store.FindAsync(KeyHash.Compute("x"))); // and works again once the lock is gone
    }

    [PostgresFact]
    public async Task Healthy_means_the_LISTEN_is_in_place_right_now()
    {
        var cs = await server.CreateDatabaseAsync();
        await using var store = new PostgreSqlApiKeyStore(cs);
        await using var feed = new PostgreSqlKeyChangeFeed(store, NullLogger<PostgreSqlKeyChangeFeed>.Instance);
        Assert.False(feed.IsHealthy); // not started: nothing listens

        await feed.StartAsync(CancellationToken.None);
        Assert.True(feed.IsHealthy);
        const string listening = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'";
        Assert.Equal(1L, await PgTest.ScalarAsync<long>(cs, listening));

        await feed.StopAsync(CancellationToken.None);
        Assert.False(feed.IsHealthy);
        await PgTest.UntilAsync(() => PgTest.ScalarAsync<long>(cs, listening).GetAwaiter().GetResult() == 0, TimeSpan.FromSeconds(5), "listener gone");
    }

    [PostgresFact]
    public async Task A_revoke_on_one_instance_is_refused_by_the_other_within_a_second()
    {
        var cs = await server.CreateDatabaseAsync();
        await using var a = await Instance.StartAsync(cs);
        await using var b = await Instance.StartAsync(cs);
        var created = await a.Keys.CreateAsync(new CreateApiKeyRequest { Name = "twin", Permissions = ["read:events"] });

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(created.Secret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(created.Secret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(created.Secret)).Status);
        Assert.Equal(1, b.Cache.Count); // b answers from memory: only the notification can stop it

        var evictedAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new Stopwatch();
        b.Feed.Subscribe(id =>
        {
            if (id == created.Key.Id)
                evictedAt.TrySetResult(watch.Elapsed);
        });

        watch.Start();
        await a.Keys.RevokeAsync(created.Key.Id);
        var revokeReturned = watch.Elapsed;

        (HttpStatusCode Status, string? Code) onB;
        TimeSpan refusedAt;
        var requests = new List<string>();
        while (true)
        {
            var before = watch.Elapsed;
            onB = await b.GetAsync(created.Secret);
            refusedAt = watch.Elapsed;
            requests.Add($"{before.TotalMilliseconds:0.0}+{(refusedAt - before).TotalMilliseconds:0.0}:{(int)onB.Status}");
            if (onB.Status != HttpStatusCode.OK || refusedAt > TimeSpan.FromSeconds(5))
                break;
        }
        var onA = await a.GetAsync(created.Secret);
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), (onA.Status, onA.Code));
        output.WriteLine("requests to B after the revoke (start+duration ms: status): " + string.Join(", ", requests.TakeLast(10)));
        var propagation = refusedAt - revokeReturned;
        output.WriteLine($"revoke took {revokeReturned.TotalMilliseconds:0.0} ms on instance A");
        output.WriteLine($"instance B's cache was told after {(await evictedAt.Task.WaitAsync(TimeSpan.FromSeconds(5))).TotalMilliseconds:0.0} ms (from the revoke call)");
        output.WriteLine($"instance B refused the key {propagation.TotalMilliseconds:0.0} ms after the revoke returned");
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), (onB.Status, onB.Code));
        Assert.True(propagation <= TimeSpan.FromSeconds(1), $"propagation took {propagation.TotalMilliseconds:0} ms");
    }

    [PostgresFact]
    public async Task A_revoke_is_refused_within_a_second_even_when_the_other_instances_listener_is_silently_stalled()
    {
        // Issue 16.9: a stuck LISTEN connection (no reset, no bytes) used to go unnoticed for 5 s + the LISTEN timeout.
        // Measured with real timers on a machine other test assemblies share: a run that misses the second is repeated
        // (at most three runs, every figure printed), so a busy scheduler is not mistaken for the 8 s bug.
        var figures = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var refusedAfter = await StalledListenerRevocationAsync();
            figures.Add(refusedAfter.TotalMilliseconds);
            output.WriteLine($"run {run + 1}: with B's listener stalled, B refused the revoked key {refusedAfter.TotalMilliseconds:0} ms after the revoke returned");
            if (refusedAfter <= TimeSpan.FromSeconds(1))
                return;
        }
        Assert.Fail($"three runs all took over a second: {string.Join(", ", figures.Select(f => $"{f:0} ms"))}");
    }

    private async Task<TimeSpan> StalledListenerRevocationAsync()
    {
        var cs = await server.CreateDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(cs);
        await using var proxy = new StallingProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(cs) { Host = "127.0.0.1", Port = proxy.Port, SslMode = SslMode.Disable }.ConnectionString;
        await using var a = await Instance.StartAsync(cs);
        await using var b = await Instance.StartAsync(throughProxy);
        var created = await a.Keys.CreateAsync(new CreateApiKeyRequest { Name = "stalled", Permissions = ["read:events"] });
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(created.Secret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(created.Secret)).Status);
        Assert.Equal(1, b.Cache.Count);
        Assert.True(b.Feed.IsHealthy);

        proxy.StallListeners();
        var watch = Stopwatch.StartNew();
        await a.Keys.RevokeAsync(created.Key.Id);
        var revokeReturned = watch.Elapsed;
        (HttpStatusCode Status, string? Code) onB;
        while (true)
        {
            onB = await b.GetAsync(created.Secret);
            if (onB.Status != HttpStatusCode.OK || watch.Elapsed > TimeSpan.FromSeconds(15))
                break;
        }
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), (onB.Status, onB.Code));
        return watch.Elapsed - revokeReturned;
    }

    [PostgresFact]
    public async Task A_lost_channel_drops_the_cache_and_serves_nothing_from_memory_until_it_is_back()
    {
        var cs = await server.CreateDatabaseAsync();
        var options = new PostgreSqlStoreOptions { ReconnectDelay = TimeSpan.FromMilliseconds(1500), MaxReconnectDelay = TimeSpan.FromSeconds(3) };
        await using var store = new PostgreSqlApiKeyStore(cs, options);
        await using var feed = new PostgreSqlKeyChangeFeed(store, NullLogger<PostgreSqlKeyChangeFeed>.Instance);
        var events = new List<(string? Id, bool Healthy)>();
        feed.Subscribe(id =>
        {
            lock (events)
                events.Add((id, feed.IsHealthy));
        });
        var db = new CountingStore(store);
        var cache = new CachingApiKeyStore(db, [feed], TimeProvider.System, Options.Create(new DeclarativeAuthOptions()));
        await feed.StartAsync(CancellationToken.None);
        Assert.True(feed.IsHealthy);

        var (key, secret) = PgTest.NewKey();
        await cache.AddAsync(key);
        // The add is announced (so other instances forget a remembered miss); let its own notice arrive first.
        await PgTest.UntilAsync(() => { lock (events) return events.Any(e => e.Id == key.Id); }, TimeSpan.FromSeconds(2), "the add's notice arrives");
        var hash = KeyHash.Compute(secret);
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.Equal(1, db.Finds); // the second came from memory
        lock (events)
            events.Clear();

        var killed = await PgTest.ScalarAsync<long>(cs,
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
        Assert.Equal(1L, killed);
        var lost = Stopwatch.StartNew();
        await PgTest.UntilAsync(() => !feed.IsHealthy, TimeSpan.FromSeconds(2), "the feed notices the lost channel");
        output.WriteLine($"unhealthy {lost.ElapsedMilliseconds} ms after the backend was terminated");

        Assert.Equal(0, cache.Count);
        lock (events)
            Assert.Contains((null, false), events); // told to drop everything, while unhealthy
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.Equal(3, db.Finds); // both went to the database
        Assert.Equal(0, cache.Count);
        Assert.False(feed.IsHealthy); // the assertions above ran inside the outage

        await PgTest.UntilAsync(() => feed.IsHealthy, TimeSpan.FromSeconds(10), "the feed reconnects");
        output.WriteLine($"healthy again {lost.ElapsedMilliseconds} ms after the backend was terminated");
        lock (events)
            Assert.Equal((null, true), events[^1]); // dropped again once listening: changes may have been missed
        Assert.Equal(1L, await PgTest.ScalarAsync<long>(cs, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"));
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.NotNull(await cache.FindAsync(hash));
        Assert.Equal(4, db.Finds); // cached again

        // And the new channel carries changes.
        await store.RevokeAsync(key.Id, DateTimeOffset.UtcNow); // behind the cache's back, as another instance would
        await PgTest.UntilAsync(() => cache.Count == 0, TimeSpan.FromSeconds(1), "the revoke evicts through the new channel");
        Assert.NotNull((await cache.FindAsync(hash))!.RevokedAt);
    }

    [PostgresFact]
    public async Task After_a_server_restart_lookups_work_at_once_and_the_feed_listens_again()
    {
        var cs = await server.CreateDatabaseAsync();
        var options = new PostgreSqlStoreOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };
        await using var store = new PostgreSqlApiKeyStore(cs, options);
        await using var feed = new PostgreSqlKeyChangeFeed(store, NullLogger<PostgreSqlKeyChangeFeed>.Instance);
        var drops = 0;
        feed.Subscribe(id =>
        {
            if (id is null)
                Interlocked.Increment(ref drops);
        });
        await feed.StartAsync(CancellationToken.None);
        var (key, secret) = PgTest.NewKey();
        await store.AddAsync(key);
        // Several idle connections in the pool, all of which the restart kills.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(async () => await store.FindAsync(KeyHash.Compute(secret)))));
        var dropsBefore = Volatile.Read(ref drops);

        await server.RestartAsync();
        Assert.NotNull(await store.FindAsync(KeyHash.Compute(secret))); // no 503 for the dead pooled connections
        Assert.NotNull(await store.FindAsync(KeyHash.Compute(secret)));
        await PgTest.UntilAsync(() => feed.IsHealthy && Volatile.Read(ref drops) >= dropsBefore + 2, TimeSpan.FromSeconds(10), "the feed listens again");
        Assert.Equal(1L, await PgTest.ScalarAsync<long>(cs, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"));
    }

    /// <summary>One app instance: Kestrel on a loopback port, the PostgreSQL store, one endpoint needing read:events.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;

        private Instance(WebApplication app)
        {
            _app = app;
            _client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        }

        public ApiKeyService Keys => _app.Services.GetRequiredService<ApiKeyService>();
        public CachingApiKeyStore Cache => (CachingApiKeyStore)_app.Services.GetRequiredService<IApiKeyStore>();
        public PostgreSqlKeyChangeFeed Feed => _app.Services.GetRequiredService<PostgreSqlKeyChangeFeed>();

        public static async Task<Instance> StartAsync(string connectionString)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddDeclarativeAuth(o =>
            {
                o.KeyPrefix = "twin";
                o.KeyEnvironment = KeyEnvironment.Test;
                o.RateLimits.Enabled = false; // the test polls as fast as it can
            }).UsePostgreSqlStore(connectionString);
            var app = builder.Build();
            app.UseDeclarativeAuth();
            app.MapGet("/v1/events/stats", [RequiresKey(KeyType.Read, Scope = "events")] () => "ok");
            await app.StartAsync();
            return new Instance(app);
        }

        public async Task<(HttpStatusCode Status, string? Code)> GetAsync(string secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stats");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await _client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            string? code = null;
            if (!response.IsSuccessStatusCode && body.Length > 0)
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : body;
            }
            return (response.StatusCode, code);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Failures that need no server: bad settings and an unreachable database.</summary>
public sealed class PostgreSqlStoreConfigurationTests
{
    [Theory]
    [InlineData("", "connection string")]
    [InlineData("Hots=db;Database=app", "Hots")]
    [InlineData("Database=app;Username=u", "no Host")]
    [InlineData("Host=db;Port=notaport", "connection string is invalid")]
    public void A_bad_connection_string_fails_at_registration_naming_the_setting(string connectionString, string expected)
    {
        var services = new ServiceCollection();
        var ex = Assert.ThrowsAny<ArgumentException>(() => services.AddDeclarativeAuth().UsePostgreSqlStore(connectionString));
        Assert.Equal("connectionString", ex.ParamName);
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_password_in_a_bad_connection_string_is_not_repeated()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddDeclarativeAuth()
            .UsePostgreSqlStore("Host=db;Password=hunter2;Bogus=1"));
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void Options_bind_from_the_DeclarativeAuth_PostgreSql_section_and_code_wins()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DeclarativeAuth:PostgreSql:Schema"] = "from_config",
                ["DeclarativeAuth:PostgreSql:LookupTimeout"] = "00:00:03",
            }).Build());
        services.AddLogging();
        services.AddDeclarativeAuth().UsePostgreSqlStore("Host=db;Password=hunter2", o => o.ListenCheckInterval = TimeSpan.FromMilliseconds(200));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value;
        Assert.Equal("from_config", options.Schema);
        Assert.Equal(TimeSpan.FromSeconds(3), options.LookupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.ListenCheckInterval);
    }

    [Fact]
    public async Task A_bad_configured_option_stops_start_up_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["DeclarativeAuth:PostgreSql:Schema"] = "Bad-Name";
        builder.Services.AddDeclarativeAuth().UsePostgreSqlStore("Host=127.0.0.1;Password=hunter2");
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("DeclarativeAuth:PostgreSql:Schema", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public async Task The_store_never_shows_its_password_in_a_public_property_or_ToString()
    {
        await using var store = new PostgreSqlApiKeyStore("Host=db.internal;Database=keys;Username=app;Password=hunter2", new PostgreSqlStoreOptions { Schema = "auth" });
        var shown = string.Join(" ", typeof(PostgreSqlApiKeyStore).GetProperties().Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(store)?.ToString()).Append(store.ToString()));
        Assert.DoesNotContain("hunter2", shown);
        Assert.Contains("Host=db.internal", store.ToString());
        Assert.Contains("Schema=auth", store.ToString());
    }

    [Theory]
    [InlineData("Bad-Name")]
    [InlineData("")]
    [InlineData("x\"; DROP SCHEMA public; --")]
    public void A_bad_schema_name_fails_at_registration(string schema)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddDeclarativeAuth()
            .UsePostgreSqlStore("Host=db", o => o.Schema = schema));
        Assert.Contains("Schema", ex.Message);
    }

    private static string Unreachable()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        return $"Host=127.0.0.1;Port={port};Username=nobody;Timeout=2";
    }

    [Fact]
    public async Task An_unreachable_database_is_unavailable_not_an_unknown_key()
    {
        await using var store = new PostgreSqlApiKeyStore(Unreachable());
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(async () => await store.FindAsync(KeyHash.Compute("x")));
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.AddAsync(PgTest.NewKey().Key));
        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.RevokeAsync("key_x", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Start_up_against_an_unreachable_database_fails_naming_where_it_looked()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth().UsePostgreSqlStore(Unreachable() + ";Database=keys;Password=hunter2", o => o.Schema = "auth");
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("Host=127.0.0.1", ex.Message);
        Assert.Contains("Database=keys", ex.Message);
        Assert.Contains("Schema=auth", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
        Assert.False(host.Services.GetRequiredService<PostgreSqlKeyChangeFeed>().IsHealthy);
    }
}
