using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Declarative.Auth;

/// <summary>
/// Fails start-up on misconfiguration, then builds the catalog and reports undeclared endpoints. The web
/// host builds its pipeline (and so its endpoints) after other hosted services' StartAsync, hence StartedAsync;
/// a request that arrives earlier initializes the state itself.
/// </summary>
internal sealed class DeclarativeAuthStartup(IServiceProvider services, DeclarativeAuthState state) : IHostedLifecycleService
{
    internal const string NoStoreMessage =
        "Declarative.Auth has no key store. Choose one after AddDeclarativeAuth(): .UseSqliteStore(\"keys.db\") (Declarative.Auth.Sqlite), "
        + ".UsePostgreSqlStore(connectionString) (Declarative.Auth.PostgreSql), or .UseInMemoryStore() for tests and keys from configuration.";

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IApiKeyStore>() is null)
        {
            throw new InvalidOperationException(NoStoreMessage);
        }
        _ = services.GetRequiredService<OrganizationsKey>(); // a malformed organizations key stops start-up here
        state.ShareEndpointBuilds();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        state.Initialize();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
