using Declarative.Auth.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

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
        return Register(builder, configure, sp => new PostgreSqlApiKeyStore(normalized, sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value));
    }

    /// <summary>
    /// Keeps keys in PostgreSQL through the app's own <see cref="NpgsqlDataSource"/>, the one registered in DI (e.g.
    /// <c>builder.Services.AddNpgsqlDataSource(…)</c>): its pool, password provider and settings are used, and the
    /// app disposes it. Otherwise as <see cref="UsePostgreSqlStore(DeclarativeAuthBuilder, string, Action{PostgreSqlStoreOptions}?)"/>;
    /// with no data source registered, start-up stops with a message saying what to register.
    /// </summary>
    /// <param name="builder">From <c>AddDeclarativeAuth()</c>.</param>
    public static DeclarativeAuthBuilder UsePostgreSqlStore(this DeclarativeAuthBuilder builder)
        => UsePostgreSqlStore(builder, configure: (Action<PostgreSqlStoreOptions>)(_ => { }));

    /// <inheritdoc cref="UsePostgreSqlStore(DeclarativeAuthBuilder)"/>
    /// <param name="builder">From <c>AddDeclarativeAuth()</c>.</param>
    /// <param name="configure">Schema name, lookup timeout, reconnection delays.</param>
    public static DeclarativeAuthBuilder UsePostgreSqlStore(this DeclarativeAuthBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var coded = new PostgreSqlStoreOptions();
        configure(coded);
        coded.Validate();
        return Register(builder, configure, sp => new PostgreSqlApiKeyStore(
            sp.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException(
                "UsePostgreSqlStore() without a connection string uses the app's NpgsqlDataSource, and none is registered: "
                + "add one (builder.Services.AddNpgsqlDataSource(connectionString)) or pass the connection string to UsePostgreSqlStore(connectionString)."),
            sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value));
    }

    private static DeclarativeAuthBuilder Register(DeclarativeAuthBuilder builder, Action<PostgreSqlStoreOptions>? configure,
        Func<IServiceProvider, PostgreSqlApiKeyStore> create)
    {
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
        // Keys' rate limits hold across instances (DeclarativeAuth:RateLimits:ShareAcrossInstances turns it off).
        builder.Services.AddSingleton<ISharedRateLimitStore>(sp => new PostgreSqlSharedRateLimitStore(
            sp.GetRequiredService<PostgreSqlApiKeyStore>(), PostgreSqlSharedRateLimitStore.NewInstanceName(), sp.GetRequiredService<TimeProvider>()));
        return builder.UseStore(sp =>
        {
            var store = create(sp);
            store.Logger = sp.GetRequiredService<ILogger<PostgreSqlApiKeyStore>>();
            return store;
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
