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
        services.TryAddSingleton(CreateFormat);
        services.TryAddSingleton(sp => new ApiKeyService(
            sp.GetRequiredService<IApiKeyStore>(),
            sp.GetRequiredService<ApiKeyFormat>(),
            sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<DeclarativeAuthState>().KnownPermissions()));
        services.TryAddSingleton<KeyUsageRecorder>();
        services.TryAddSingleton<OrganizationsKey>();
        services.TryAddSingleton<WorkspaceResolver>();
        services.TryAddSingleton<KeyRateLimiter>();
        services.TryAddSingleton<KeyAuthenticator>();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(DeclarativeAuthDefaults.AuthenticationScheme, displayName: "API key", configureOptions: null);
        // The default only when the app chose none, so [Authorize] endpoints challenge with our 401, not an exception.
        services.PostConfigure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o =>
        {
            if (o.DefaultScheme is null && o.DefaultAuthenticateScheme is null && o.DefaultChallengeScheme is null)
                o.DefaultScheme = DeclarativeAuthDefaults.AuthenticationScheme;
        });
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<DeclarativeAuthOptions>>((cors, auth) => cors.AddPolicy(EventIngestionAttribute.CorsPolicyName, policy =>
            {
                // Browser SDKs send events with a bearer key, never cookies: no credentials mode.
                var origins = auth.Value.EventIngestion.AllowedOrigins;
                if (origins.Count == 0)
                    policy.AllowAnyOrigin();
                else
                    policy.WithOrigins([.. origins]);
                policy.AllowAnyHeader().WithMethods("POST", "PUT", "OPTIONS")
                    .WithExposedHeaders("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }));
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());
        services.AddHostedService<DeclarativeAuthStartup>();
        return new DeclarativeAuthBuilder(services);
    }

    private static ApiKeyFormat CreateFormat(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DeclarativeAuthOptions>>().Value;
        var environment = options.KeyEnvironment
            ?? (services.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.EnvironmentName == "Production" ? KeyEnvironment.Live : KeyEnvironment.Test);
        if (!ApiKeyFormat.IsValidPrefix(options.KeyPrefix))
        {
            throw new OptionsValidationException(nameof(DeclarativeAuthOptions.KeyPrefix), typeof(DeclarativeAuthOptions),
                [$"{DeclarativeAuthOptions.SectionName}:KeyPrefix must be 2 to 16 lowercase ASCII letters naming the app, e.g. \"kener\"."]);
        }
        return new ApiKeyFormat(options.KeyPrefix, environment);
    }
}

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
    /// memory by <see cref="CachingApiKeyStore"/>, registered as a decorator (the store's change feed evicts).
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
    private const string AuthorizationMarker = "__AuthorizationMiddlewareSet";
    private const string AuthenticationMarker = "__AuthenticationMiddlewareSet";

    /// <summary>
    /// Enforces every endpoint's declaration. Must run after routing: if the app has not called
    /// <c>UseRouting()</c> yet, this adds it first, so the verifier can never see a request without its endpoint.
    /// </summary>
    public static IApplicationBuilder UseDeclarativeAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<DeclarativeAuthState>() is null)
            throw new InvalidOperationException("UseDeclarativeAuth() needs builder.Services.AddDeclarativeAuth() first.");
        if (app.ApplicationServices.GetService<IServiceProviderIsService>() is { } registered && !registered.IsService(typeof(IApiKeyStore)))
            throw new InvalidOperationException(DeclarativeAuthStartup.NoStoreMessage);
        if (app.Properties.ContainsKey(AuthorizationMarker))
        {
            throw new InvalidOperationException(
                "UseDeclarativeAuth() must come before UseAuthorization(): [Authorize] endpoints are authorized with the key the verifier checks. Move app.UseDeclarativeAuth() above app.UseAuthorization().");
        }
        // WebApplication adds UseAuthentication() ahead of the app's own routing whenever authentication services
        // exist. With the ApiKey scheme alone, that middleware would run the scheme's handler on every request
        // with no endpoint to look at, for nothing: the verifier authenticates keys itself, including for
        // [Authorize] endpoints. So it is left out, as if the app had placed it; with any other scheme it stays.
        if (!app.Properties.ContainsKey(AuthenticationMarker) && ApiKeySchemeIsTheOnlyOne(app.ApplicationServices))
            app.Properties[AuthenticationMarker] = true;
        if (!app.Properties.ContainsKey(RoutingMarker))
            app.UseRouting();
        if (app.Properties.TryGetValue(RoutingMarker, out var routes) && routes is Microsoft.AspNetCore.Routing.IEndpointRouteBuilder builder)
            app.ApplicationServices.GetRequiredService<DeclarativeAuthState>().UseRoutes(builder);
        // Event-ingestion endpoints carry CORS metadata; preflights are answered here, before any key is asked for.
        // CorsMiddleware takes its policy provider from the request's services, which opens a DI scope on every
        // request it sees (a tenth of the verifier's cost end to end): it runs for cross-origin requests and for
        // endpoints with CORS metadata (which must see it, or routing refuses them), not for the rest.
        app.UseWhen(NeedsCors, cors => cors.UseCors());
        return app.UseMiddleware<DeclarativeAuthMiddleware>();
    }

    private static bool NeedsCors(Microsoft.AspNetCore.Http.HttpContext context)
        => context.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Origin)
           || Microsoft.AspNetCore.Http.EndpointHttpContextExtensions.GetEndpoint(context)?.Metadata.GetMetadata<Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata>() is not null;

    private static bool ApiKeySchemeIsTheOnlyOne(IServiceProvider services)
    {
        if (services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not { } provider)
            return false;
        // The provider keeps its schemes in memory: the task is already complete.
        var schemes = provider.GetAllSchemesAsync().GetAwaiter().GetResult();
        return schemes.All(s => s.Name == DeclarativeAuthDefaults.AuthenticationScheme);
    }
}
