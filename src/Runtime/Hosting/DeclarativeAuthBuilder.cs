using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>Chooses the key store and other parts after <c>AddDeclarativeAuth()</c>.</summary>
public sealed class DeclarativeAuthBuilder(IServiceCollection services)
{
    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Writes refusals with <paramref name="writer"/> instead of problem details (e.g. <see cref="EnvelopeAuthErrorWriter"/>).</summary>
    public DeclarativeAuthBuilder UseErrorWriter(IAuthErrorWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Services.RemoveAll<IAuthErrorWriter>();
        Services.AddSingleton(writer);
        return this;
    }

    /// <summary>
    /// Uses <typeparamref name="TStore"/> as the key store. With <paramref name="cache"/>, found keys are kept in
    /// memory by a caching decorator (the store's change feeds, <see cref="IKeyChangeFeed"/>, evict).
    /// </summary>
    public DeclarativeAuthBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory, bool cache = true)
        where TStore : class, IApiKeyStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IApiKeyStore>();
        Services.TryAddSingleton(factory);
        Services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<TStore>());
        if (cache)
            Services.Decorate<IApiKeyStore, CachingApiKeyStore>();
        return this;
    }

    /// <summary>
    /// Keeps keys in memory (hashes only): the keys of the <c>DeclarativeAuth:Keys</c> configuration section,
    /// plus those <paramref name="seed"/> adds from code.
    /// </summary>
    public DeclarativeAuthBuilder UseInMemoryStore(Action<InMemoryApiKeyStore>? seed = null)
    {
        Services.RemoveAll<IApiKeyStore>();
        Services.TryAddSingleton(sp =>
        {
            var store = new InMemoryApiKeyStore(sp.GetRequiredService<TimeProvider>());
            foreach (var (configured, i) in sp.GetRequiredService<IOptions<DeclarativeAuthOptions>>().Value.Keys.Select((k, i) => (k, i)))
                AddConfigured(store, configured, i);
            seed?.Invoke(store);
            return store;
        });
        Services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<InMemoryApiKeyStore>());
        KeyActivityOptions.UseInMemory(Services); // the audit log and usage live with the keys (replacing a database store's)
        return this;
    }

    private static void AddConfigured(InMemoryApiKeyStore store, ConfiguredKey configured, int index)
    {
        var setting = $"{DeclarativeAuthOptions.SectionName}:Keys:{index}";
        if (string.IsNullOrWhiteSpace(configured.Name))
            throw new OptionsValidationException(setting, typeof(DeclarativeAuthOptions), [$"{setting}:Name is required."]);
        KeyHash hash;
        try
        {
            hash = KeyHash.FromHex(configured.Sha256 ?? "");
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(setting, typeof(DeclarativeAuthOptions),
                [$"{setting}:Sha256 must be the SHA-256 of the key as 64 hex digits (printf %s \"$KEY\" | sha256sum), never the key itself."]);
        }
        try
        {
            store.Add(configured.Name, hash, configured.Permissions, configured.ExpiresAt);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException(setting, typeof(DeclarativeAuthOptions), [$"{setting}:Permissions: {ex.Message}"]);
        }
    }
}
