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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeclarativeAuthOptions>, DeclarativeAuthOptionsValidator>());
        options.ValidateOnStart();
        StartupFailure.Watch();
        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAuthErrorWriter, ProblemDetailsServiceErrorWriter>();
        services.TryAddSingleton<DeclarativeAuthState>();
        services.TryAddSingleton(CreateFormat);
        services.TryAddSingleton(sp => new ApiKeyService(
            sp.GetRequiredService<IApiKeyStore>(),
            sp.GetRequiredService<ApiKeyFormat>(),
            sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<DeclarativeAuthState>().KnownPermissions()) { Audit = sp.GetRequiredService<KeyAuditLog>() });
        KeyActivityOptions.AddServices(services);
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
        services.TryAddSingleton<EndpointGate>();
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
                // Methods: each endpoint's own (EventIngestionCorsPolicyProvider); these stand where an endpoint names none.
                policy.AllowAnyHeader().WithMethods("POST", "PUT", "OPTIONS")
                    .WithExposedHeaders("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }));
        if (!again)
            services.Decorate<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyProvider, EventIngestionCorsPolicyProvider>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());
        services.AddHostedService<DeclarativeAuthStartup>();
        return new DeclarativeAuthBuilder(services);
    }

    private static ApiKeyFormat CreateFormat(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DeclarativeAuthOptions>>().Value;
        var environment = options.KeyEnvironment
            ?? (services.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.EnvironmentName == "Production" ? KeyEnvironment.Live : KeyEnvironment.Test);
        return new ApiKeyFormat(options.KeyPrefix, environment);
    }
}
