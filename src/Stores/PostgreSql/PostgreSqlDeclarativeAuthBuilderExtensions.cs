using Declarative.Auth.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>Registers the PostgreSQL key store.</summary>
public static class PostgreSqlDeclarativeAuthBuilderExtensions
{
    /// <summary>
    /// Keeps keys in PostgreSQL, for apps running many instances. The schema is created and upgraded at start
    /// (start-up fails if the database cannot be reached). Found keys are cached in memory; a revocation, expiry
    /// change or rotation made by any instance reaches every instance's cache within a second
    /// (<c>LISTEN/NOTIFY</c>), and while the notification channel is down nothing is served from the cache.
    /// </summary>
    /// <param name="builder">From <c>AddDeclarativeAuth()</c>.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</param>
    /// <param name="configure">Schema name, lookup timeout, reconnection delays.</param>
    /// <exception cref="ArgumentException">The connection string or an option is invalid; the message names it.</exception>
    public static DeclarativeAuthBuilder UsePostgreSqlStore(this DeclarativeAuthBuilder builder, string connectionString,
        Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PostgreSqlStoreOptions();
        configure?.Invoke(options);
        // Both checked now, while the app is being configured, rather than on the first request.
        options.Validate();
        var normalized = PostgreSqlApiKeyStore.ParseConnectionString(connectionString);

        builder.Services.AddSingleton(sp =>
            new PostgreSqlKeyChangeFeed(sp.GetRequiredService<PostgreSqlApiKeyStore>(), sp.GetRequiredService<ILogger<PostgreSqlKeyChangeFeed>>()));
        builder.Services.AddSingleton<IKeyChangeFeed>(sp => sp.GetRequiredService<PostgreSqlKeyChangeFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgreSqlKeyChangeFeed>());
        return builder.UseStore(sp => new PostgreSqlApiKeyStore(normalized, options) { Logger = sp.GetRequiredService<ILogger<PostgreSqlApiKeyStore>>() });
    }
}
