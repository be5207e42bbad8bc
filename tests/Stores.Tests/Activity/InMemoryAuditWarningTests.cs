using Declarative.Auth.Sqlite;
using Declarative.Auth.Stores.Tests.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Stores.Tests.Activity;

/// <summary>
/// A custom key store has no audit table: the audit log and usage live in memory and are lost on restart. That is
/// said at start-up (one warning naming the setting) unless the app chose it; the shipped stores never warn.
/// </summary>
public sealed class InMemoryAuditWarningTests
{
    private const string Setting = "DeclarativeAuth:Audit:AllowInMemory=true";

    private static async Task<IReadOnlyList<string>> WarningsAsync(Action<DeclarativeAuthBuilder> store, bool allow = false)
    {
        var logs = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs));
        store(builder.Services.AddDeclarativeAuth(o => o.Audit.AllowInMemory = allow));
        using var host = builder.Build();
        var maintenance = host.Services.GetRequiredService<KeyActivityMaintenance>();
        await maintenance.StartAsync(CancellationToken.None);
        await maintenance.StopAsync(CancellationToken.None);
        return [.. logs.GetSnapshot().Where(l => l.Level == LogLevel.Warning).Select(l => l.Message)];
    }

    [Fact]
    public async Task A_custom_store_warns_once_at_start_up_naming_the_setting()
    {
        var warnings = await WarningsAsync(b => b.UseStore(_ => new CountingStore(new InMemoryApiKeyStore(TimeProvider.System))));
        var warning = Assert.Single(warnings);
        Assert.Contains("lost on restart", warning, StringComparison.Ordinal);
        Assert.Contains(Setting, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_when_the_app_says_it_is_intended()
        => Assert.Empty(await WarningsAsync(b => b.UseStore(_ => new CountingStore(new InMemoryApiKeyStore(TimeProvider.System))), allow: true));

    [Fact]
    public async Task Not_with_the_in_memory_store_whose_keys_are_lost_too()
        => Assert.Empty(await WarningsAsync(b => b.UseInMemoryStore()));

    [Fact]
    public async Task Not_with_SQLite_which_keeps_the_audit_log_in_its_file()
    {
        var dir = Directory.CreateTempSubdirectory("dauth-warn-").FullName;
        try
        {
            Assert.Empty(await WarningsAsync(b => b.UseSqliteStore(Path.Combine(dir, "keys.db"))));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
