using Declarative.Auth.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>Registers the SQLite key store.</summary>
public static class SqliteDeclarativeAuthBuilderExtensions
{
    /// <summary>
    /// Keeps keys in the SQLite file at <paramref name="pathOrConnectionString"/> (relative paths are relative
    /// to the app's content root), created and upgraded on start. Found keys are cached in memory; changes made
    /// by other processes on the same file reach the cache within a second.
    /// </summary>
    public static DeclarativeAuthBuilder UseSqliteStore(this DeclarativeAuthBuilder builder, string pathOrConnectionString = "keys.db")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        builder.Services.AddSingleton(sp =>
            new SqliteKeyChangeFeed(sp.GetRequiredService<SqliteApiKeyStore>(), sp.GetRequiredService<ILogger<SqliteKeyChangeFeed>>(),
                time: sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IKeyChangeFeed>(sp => sp.GetRequiredService<SqliteKeyChangeFeed>());
        SqliteKeyActivityStore.Register(builder.Services); // the audit log and usage counts live in the same file
        return builder.UseStore(sp =>
        {
            var target = pathOrConnectionString;
            if (!target.Contains('=') && !Path.IsPathRooted(target) && sp.GetService<IHostEnvironment>() is { } env)
                target = Path.Combine(env.ContentRootPath, target);
            var timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions>>().Value.StoreTimeout;
            return new SqliteApiKeyStore(target, timeout) { Logger = sp.GetRequiredService<ILogger<SqliteApiKeyStore>>() };
        });
    }
}
