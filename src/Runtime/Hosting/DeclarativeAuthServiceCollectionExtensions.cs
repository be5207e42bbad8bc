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
        var again = services.Any(d => d.ServiceType == typeof(DeclarativeAuthState)); // a second call decorates nothing twice
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
        services.TryAddSingleton<KeysInUrl>();
        services.TryAddSingleton<VerifiedKeys>();
        services.TryAddSingleton<KeyAuthentication>();
        services.TryAddSingleton<KeyRateLimits>();
        services.TryAddSingleton<KeySignIn>();
        services.TryAddSingleton<Refusals>();
        services.TryAddSingleton<OrganizationsKeyCheck>();
        services.TryAddSingleton<AppAuthorization>();
        // The app's own authorization judges [Authorize] endpoints and the other half of [OrAuthorization].
        services.AddAuthorization();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(DeclarativeAuthDefaults.AuthenticationScheme, displayName: "API key", configureOptions: null);
        services.PostConfigure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(DefaultScheme.Keep);
        // The app's schemes never run on a request carrying one of our keys (see KeyRequestHandlerProvider).
        if (!again)
            services.Decorate<Microsoft.AspNetCore.Authentication.IAuthenticationHandlerProvider, KeyRequestHandlerProvider>();
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
    /// <summary>
    /// Enforces every endpoint's declaration. Put it right after <c>builder.Build()</c>, or anywhere after
    /// <c>UseRouting()</c> and before <c>UseAuthorization()</c> if the app calls them. It moves none of the app's
    /// middleware: in a WebApplication routing and authentication stay where WebApplication puts them (first), and
    /// authorization, when the app does not place it, runs right after the verifier for the endpoints that need it.
    /// Where an order cannot work, start-up fails naming the fix.
    /// </summary>
    public static IApplicationBuilder UseDeclarativeAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<DeclarativeAuthState>() is null)
            throw new InvalidOperationException("UseDeclarativeAuth() needs builder.Services.AddDeclarativeAuth() first.");
        if (app.ApplicationServices.GetService<IServiceProviderIsService>() is { } registered && !registered.IsService(typeof(IApiKeyStore)))
            throw new InvalidOperationException(DeclarativeAuthStartup.NoStoreMessage);
        if (AspNetCoreInternals.HasAuthorization(app))
        {
            throw new InvalidOperationException(
                "UseDeclarativeAuth() must come before UseAuthorization(): [Authorize] endpoints are authorized with the key the verifier checks. Move app.UseDeclarativeAuth() above app.UseAuthorization().");
        }
        var routedBefore = AspNetCoreInternals.HasRouting(app);
        if (!routedBefore && !AspNetCoreInternals.RoutesImplicitly(app))
        {
            throw new InvalidOperationException(
                "UseDeclarativeAuth() must come after UseRouting(): the verifier enforces the declaration of the endpoint routing picked. Call app.UseRouting() before app.UseDeclarativeAuth().");
        }

        // WebApplication adds UseAuthentication() ahead of the app's middleware whenever authentication services
        // exist. With the ApiKey scheme alone it would run the scheme's handler on every request for nothing: the
        // verifier authenticates keys itself, [Authorize] endpoints included. So it is left out, as if the app had
        // placed it; with any scheme of the app's own it stays where WebApplication puts it.
        if (!AspNetCoreInternals.HasAuthentication(app) && ApiKeySchemeIsTheOnlyOne(app.ApplicationServices))
            AspNetCoreInternals.SuppressImplicitAuthentication(app);
        if (AspNetCoreInternals.Routes(app) is { } routes)
            app.ApplicationServices.GetRequiredService<DeclarativeAuthState>().UseRoutes(routes);

        // Event-ingestion endpoints carry CORS metadata; preflights are answered here, before any key is asked for.
        // CorsMiddleware takes its policy provider from the request's services, which opens a DI scope on every
        // request it sees (a tenth of the verifier's cost end to end): it runs for cross-origin requests and for
        // endpoints with CORS metadata (which must see it, or routing refuses them), not for the rest.
        app.UseWhen(NeedsCors, cors => cors.UseCors());
        app.UseMiddleware<DeclarativeAuthMiddleware>();

        // WebApplication would add UseAuthorization() ahead of the app's middleware, so ahead of the verifier, where a
        // key is not known yet. Unless the app places its own after this call, it runs here instead, for the
        // endpoints with authorization metadata (the others would only pay for it).
        var claim = AspNetCoreInternals.ClaimAuthorization(app);
        app.Use(next =>
        {
            if (!routedBefore && AspNetCoreInternals.HasRouting(app))
            {
                throw new InvalidOperationException(
                    "UseRouting() is called after UseDeclarativeAuth(), so the verifier would see no endpoint. Remove app.UseRouting() (WebApplication adds it first), or move app.UseDeclarativeAuth() below it.");
            }
            if (AspNetCoreInternals.AppAddedAuthorizationSince(app, claim))
                return next;
            var authorization = app.New();
            authorization.UseWhen(AspNetCoreInternals.NeedsAuthorization, b => b.UseAuthorization());
            authorization.Run(next);
            return authorization.Build();
        });
        return app;
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
