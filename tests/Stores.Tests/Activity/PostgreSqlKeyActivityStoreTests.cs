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
