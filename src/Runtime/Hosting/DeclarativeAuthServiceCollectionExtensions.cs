using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>Registration of Declarative.Auth.</summary>
public static class DeclarativeAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the verifier. Options bind from the <c>DeclarativeAuth</c> configuration section, then
    /// <paramref name="configure"/>. Pick a store on the returned builder (e.g. <c>UseInMemoryStore()</c>);
    /// start-up fails if none is registered.
    /// </summary>
    public static DeclarativeAuthBuilder AddDeclarativeAuth(this IServiceCollection services, Action<DeclarativeAuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DeclarativeAuthOptions>().BindConfiguration(DeclarativeAuthOptions.SectionName);
        if (configure is not null)
            options.Configure(configure);
        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAuthErrorWriter, ProblemDetailsAuthErrorWriter>();
        services.TryAddSingleton<DeclarativeAuthState>();
        services.AddHostedService<DeclarativeAuthStartup>();
        return new DeclarativeAuthBuilder(services);
    }
}

/// <summary>Chooses the key store and other parts after <c>AddDeclarativeAuth()</c>.</summary>
public sealed class DeclarativeAuthBuilder(IServiceCollection services)
{
    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; } = services;

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

/// <summary>Adds the verifier to the request pipeline.</summary>
public static class DeclarativeAuthApplicationBuilderExtensions
{
    private const string RoutingMarker = "__EndpointRouteBuilder";

    /// <summary>
    /// Enforces every endpoint's declaration. Must run after routing: if the app has not called
    /// <c>UseRouting()</c> yet, this adds it first, so the verifier can never see a request without its endpoint.
    /// </summary>
    public static IApplicationBuilder UseDeclarativeAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<DeclarativeAuthState>() is null)
            throw new InvalidOperationException("UseDeclarativeAuth() needs builder.Services.AddDeclarativeAuth() first.");
        if (!app.Properties.ContainsKey(RoutingMarker))
            app.UseRouting();
        return app.UseMiddleware<DeclarativeAuthMiddleware>();
    }
}
