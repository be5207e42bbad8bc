using Declarative.Auth.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>Registers the PostgreSQL key store.</summary>
public static class PostgreSqlDeclarativeAuthBuilderExtensions
{
    /// <summary>The configuration section the store's options bind from: <c>DeclarativeAuth:PostgreSql</c>.</summary>
    public const string SectionName = DeclarativeAuthOptions.SectionName + ":PostgreSql";

    /// <summary>
    /// Keeps keys in PostgreSQL, for apps running many instances. The schema is created and upgraded at start
    /// (start-up fails if the database cannot be reached). Found keys are cached in memory; a revocation, expiry
    /// change or rotation made by any instance reaches every instance's cache within a second
    /// (<c>LISTEN/NOTIFY</c>), and while the notification channel is down nothing is served from the cache.
    /// Options bind from the <c>DeclarativeAuth:PostgreSql</c> configuration section, then <paramref name="configure"/>;
    /// a bad value stops start-up naming the setting.
    /// </summary>
    /// <param name="builder">From <c>AddDeclarativeAuth()</c>.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</param>
    /// <param name="configure">Schema name, lookup timeout, reconnection delays.</param>
    /// <exception cref="ArgumentException">The connection string or an option is invalid; the message names it.</exception>
    public static DeclarativeAuthBuilder UsePostgreSqlStore(this DeclarativeAuthBuilder builder, string connectionString,
        Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            // What code sets is checked now, while the app is being configured, rather than at start.
            var coded = new PostgreSqlStoreOptions();
            configure(coded);
            coded.Validate();
        }
        var normalized = PostgreSqlApiKeyStore.ParseConnectionString(connectionString);

        var options = builder.Services.AddOptions<PostgreSqlStoreOptions>().BindConfiguration(SectionName);
        if (configure is not null)
            options.Configure(configure);
        builder.Services.AddSingleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>();
        options.ValidateOnStart();

        builder.Services.AddSingleton(sp =>
            new PostgreSqlKeyChangeFeed(sp.GetRequiredService<PostgreSqlApiKeyStore>(), sp.GetRequiredService<ILogger<PostgreSqlKeyChangeFeed>>()));
        builder.Services.AddSingleton<IKeyChangeFeed>(sp => sp.GetRequiredService<PostgreSqlKeyChangeFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgreSqlKeyChangeFeed>());
        PostgreSqlKeyActivityStore.Register(builder.Services); // the audit log and usage counts live in the same database
        return builder.UseStore(sp => new PostgreSqlApiKeyStore(normalized, sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value)
        {
            Logger = sp.GetRequiredService<ILogger<PostgreSqlApiKeyStore>>(),
        });
    }

    private sealed class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"{SectionName}:{ex.ParamName}: {ex.Message}");
            }
        }
    }
}
