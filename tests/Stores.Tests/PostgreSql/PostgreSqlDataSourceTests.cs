using Declarative.Auth.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Declarative.Auth.Stores.Tests.PostgreSql;

/// <summary>
/// UsePostgreSqlStore() on the app's own NpgsqlDataSource from DI (issue 17.4): keys are written and read through it,
/// the change feed listens on it, the app keeps owning it, and no message or member shows its password.
/// </summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
[Trait("Category", "PostgreSQL")]
public sealed class PostgreSqlDataSourceTests(PostgresServer server)
{
    [Fact]
    public async Task The_store_runs_on_the_data_source_registered_in_DI_and_leaves_it_to_the_app()
    {
        var schema = PgTest.NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(await server.GetConnectionStringAsync());
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDeclarativeAuth().UsePostgreSqlStore(o => o.Schema = schema);
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var store = host.Services.GetRequiredService<PostgreSqlApiKeyStore>();
            Assert.Same(dataSource, store.AppDataSource);
            Assert.True(host.Services.GetRequiredService<PostgreSqlKeyChangeFeed>().IsHealthy);
            var (key, secret) = PgTest.NewKey("ci");
            await store.AddAsync(key);
            Assert.Equal(key.Id, (await store.FindAsync(KeyHash.Compute(secret)))?.Id);
            await host.StopAsync();
        }
        // The host is gone; the app's data source is not: the row is there, read through it.
        await using var command = dataSource.CreateCommand($"SELECT COUNT(*) FROM \"{schema}\".api_keys");
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }
}

/// <summary>The DI data source form without a server: what start-up says, and what the store shows.</summary>
public sealed class PostgreSqlDataSourceConfigurationTests
{
    [Fact]
    public async Task Without_a_registered_data_source_start_up_says_what_to_register()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth().UsePostgreSqlStore();
        using var host = builder.Build();
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("AddNpgsqlDataSource", ex.Message);
    }

    [Fact]
    public async Task A_store_on_the_apps_data_source_never_shows_its_password()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder("Host=db.internal;Database=keys;Username=app;Password=hunter2;Persist Security Info=true").Build();
        await using var store = new PostgreSqlApiKeyStore(dataSource, new PostgreSqlStoreOptions { Schema = "auth" });
        var shown = string.Join(" ", typeof(PostgreSqlApiKeyStore).GetProperties().Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(store)?.ToString()).Append(store.ToString()).Append(store.Target));
        Assert.DoesNotContain("hunter2", shown);
        Assert.Contains("Host=db.internal", store.ToString());
        Assert.Contains("Database=keys", store.ToString());
    }

    [Fact]
    public void A_bad_coded_option_fails_at_registration_in_the_data_source_form_too()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddDeclarativeAuth().UsePostgreSqlStore(o => o.Schema = "Bad-Name"));
        Assert.Contains("Schema", ex.Message);
    }
}
