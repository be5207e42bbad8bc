using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Declarative.Auth.Testing;

/// <summary>Sets up an app under <see cref="WebApplicationFactory{TEntryPoint}"/> for key tests.</summary>
public static class DeclarativeAuthFactoryExtensions
{
    // One derived factory (one host) per factory: a theory's rows share it instead of starting a host each.
    private static readonly ConditionalWeakTable<object, object> Derived = new();
    private static readonly ConditionalWeakTable<object, DeclarativeAuthTestOptions> OptionsOf = new();
    private static readonly Lock Gate = new();

    /// <summary>
    /// The app with its key store replaced by an in-memory one (the store's change feeds removed), its system clock
    /// replaced by a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>, and keys mintable per client
    /// (<see cref="HttpClientKeyExtensions.WithKey(HttpClient, string[])"/>). Calling it again on the same factory
    /// returns the same derived factory (and applies <paramref name="configure"/> to the same options); calling it on
    /// a derived factory returns that factory.
    /// </summary>
    public static WebApplicationFactory<TEntryPoint> WithDeclarativeAuth<TEntryPoint>(
        this WebApplicationFactory<TEntryPoint> factory, Action<DeclarativeAuthTestOptions>? configure = null)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            if (OptionsOf.TryGetValue(factory, out var own))
            {
                configure?.Invoke(own);
                return factory;
            }
            var derived = (WebApplicationFactory<TEntryPoint>)Derived.GetValue(factory, _ =>
            {
                var options = new DeclarativeAuthTestOptions();
                var created = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => TestServices.Apply(s, options)));
                OptionsOf.Add(created, options);
                return created;
            });
            configure?.Invoke(OptionsOf.TryGetValue(derived, out var o) ? o : throw new InvalidOperationException("unreachable"));
            return derived;
        }
    }

    /// <summary>The kit's state in a factory's app; starts the host.</summary>
    internal static KitState State<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
        => factory.WithDeclarativeAuth().Services.GetService(typeof(KitState)) as KitState
           ?? throw new InvalidOperationException("The app under test does not call AddDeclarativeAuth().");
}
