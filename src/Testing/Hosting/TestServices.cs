using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Declarative.Auth.Testing;

/// <summary>What <c>WithDeclarativeAuth()</c> changes in the app's services, after the app registered its own.</summary>
internal static class TestServices
{
    public static void Apply(IServiceCollection services, DeclarativeAuthTestOptions options)
    {
        // The store's change feeds watch a database the test no longer uses; PostgreSQL's is also a hosted service.
        services.RemoveAll<IKeyChangeFeed>();
        foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && IsStorePackage(d)).ToList())
            services.Remove(hosted);
        // The runtime's own registration: configured keys (DeclarativeAuth:Keys) are still seeded; no cache in front.
        new DeclarativeAuthBuilder(services).UseInMemoryStore();

        if (options.UseFakeTime && UsesSystemClock(services))
        {
            var clock = new FakeTimeProvider();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(clock);
            services.AddSingleton<TimeProvider>(clock);
        }
        services.AddSingleton(sp => new KitState(options, sp));
        services.AddTransient<IStartupFilter, KeyMintingStartupFilter>();
    }

    // The app's clock when it registered none of its own (AddDeclarativeAuth adds TimeProvider.System if none is there).
    private static bool UsesSystemClock(IServiceCollection services)
        => services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider)) is not { } last
           || ReferenceEquals(last.ImplementationInstance, TimeProvider.System);

    private static bool IsStorePackage(ServiceDescriptor descriptor)
    {
        if (descriptor.IsKeyedService)
            return false;
        var type = descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType() ?? descriptor.ImplementationFactory?.Method.DeclaringType;
        var name = type?.Assembly.GetName().Name;
        return name is "Declarative.Auth.PostgreSql" or "Declarative.Auth.Sqlite";
    }
}
