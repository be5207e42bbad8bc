using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Benchmarks;

/// <summary>The keys every benchmark presents: one store, four cases.</summary>
public sealed class Keys
{
    public const string Prefix = "bench";
    public const string Permission = "read:monitors";

    public Keys()
    {
        Format = new ApiKeyFormat(Prefix, KeyEnvironment.Test);
        Valid = Format.Generate();
        Lacking = Format.Generate();
        Unknown = Format.Generate();
        // Same length and alphabet, last checksum digit changed: refused by the checksum, before any hash.
        var last = Valid[^1] == 'A' ? 'B' : 'A';
        BadChecksum = Valid[..^1] + last;
    }

    public ApiKeyFormat Format { get; }
    public string Valid { get; }
    public string Lacking { get; }
    public string Unknown { get; }
    public string BadChecksum { get; }

    public void Seed(InMemoryApiKeyStore store)
    {
        store.Add("valid", Valid, [Permission, "write:incidents"]);
        store.Add("lacking", Lacking, ["read:events"]);
        // A few hundred other keys so the dictionary is not trivially small.
        for (var i = 0; i < 500; i++)
            store.Add("other" + i, Format.Generate(), ["read:events"]);
    }
}

/// <summary>Builds our middleware and the conventional pipeline over the same key store.</summary>
public sealed class Pipelines
{
    public static readonly RequestDelegate Noop = _ => Task.CompletedTask;

    internal DeclarativeAuthMiddleware MiddlewareFirstSeen { get; }

    public Pipelines(Keys keys)
    {
        Keys = keys;
        OurEndpoint = new Endpoint(Noop, new EndpointMetadataCollection(new RequiresKeyAttribute(KeyType.Read) { Scope = "monitors" }), "GET /monitors");
        ConventionalEndpoint = new Endpoint(Noop, new EndpointMetadataCollection(new AuthorizeAttribute(Keys.Permission)), "GET /monitors");
        // The same endpoint with two named limits of its own (issue 20.1), never reached: counted and headed on every request.
        EndpointLimitedEndpoint = new Endpoint(Noop, new EndpointMetadataCollection(new RequiresKeyAttribute(KeyType.Read) { Scope = "monitors" },
            new KeyRateLimitWindowAttribute("monitors-hour", int.MaxValue / 2, "01:00:00"), new KeyRateLimitWindowAttribute("monitors-day", int.MaxValue / 2, "1.00:00:00")), "GET /monitors (own limits)");

        Services = Ours(keys, OurEndpoint, problemDetails: false);
        Store = Services.GetRequiredService<IApiKeyStore>();
        State = Services.GetRequiredService<DeclarativeAuthState>();
        State.Initialize();
        Middleware = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(Services, Noop);
        // The same middleware over a plain in-memory store (same keys): no cache entries, so no header string is
        // ever remembered: every request pays format check + hash + lookup, as the first request of a connection does.
        var plain = new InMemoryApiKeyStore();
        keys.Seed(plain);
        var firstSeen = ActivatorUtilities.CreateInstance<KeyAuthentication>(Services, (IApiKeyStore)plain);
        MiddlewareFirstSeen = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(Services, Noop, firstSeen);
        // The same middleware with a handler that reads HttpContext.User: what the per-request principal costs when used.
        MiddlewareReadsUser = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(Services, (RequestDelegate)(c => c.User.Identity is null ? Task.CompletedTask : Task.CompletedTask));
        Policy = State.PolicyFor(OurEndpoint);
        // The same app with AddProblemDetails(): refusals go through its IProblemDetailsService (issue 17.8's default).
        ProblemDetailsServices = Ours(keys, OurEndpoint, problemDetails: true);
        ProblemDetailsServices.GetRequiredService<DeclarativeAuthState>().Initialize();
        MiddlewareProblemDetails = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(ProblemDetailsServices, Noop);
        // The same app with per-key limits on: counted and given their headers on every request (a 60 s window).
        LimitedServices = Ours(keys, OurEndpoint, problemDetails: false, limits: true);
        LimitedServices.GetRequiredService<DeclarativeAuthState>().Initialize();
        MiddlewareLimited = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(LimitedServices, Noop);
        // ... and shared across instances (issue 20.2) through a store that answers at once: the request path's cost.
        SharedServices = Ours(keys, OurEndpoint, problemDetails: false, limits: true, more: s => s.AddSingleton<ISharedRateLimitStore, InstantSharedStore>());
        SharedServices.GetRequiredService<DeclarativeAuthState>().Initialize();
        MiddlewareShared = ActivatorUtilities.CreateInstance<DeclarativeAuthMiddleware>(SharedServices, Noop);

        var conventional = new ServiceCollection();
        conventional.AddLogging(l => l.ClearProviders());
        conventional.AddSingleton(Store); // the same dictionary (and cache) as ours
        conventional.AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(ConventionalEndpoint));
        AddConventionalAuth(conventional);
        ConventionalServices = conventional.BuildServiceProvider();
        var app = new ApplicationBuilder(ConventionalServices);
        app.UseAuthentication();
        app.UseAuthorization();
        app.Run(Noop);
        Conventional = app.Build();

        var none = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());
        none.Run(Noop);
        NoAuth = none.Build();
    }

    private static ServiceProvider Ours(Keys keys, Endpoint endpoint, bool problemDetails, bool limits = false, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.ClearProviders());
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(endpoint));
        if (problemDetails)
            services.AddProblemDetails();
        services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = Keys.Prefix;
            o.KeyEnvironment = KeyEnvironment.Test;
            // Rate limiting is its own feature (and would answer 429 after 100 calls); the baseline has none.
            o.RateLimits.Enabled = limits;
            o.RateLimits.RequestsPerMinute = int.MaxValue / 2; // limited: counted and headed, never refused
        }).UseStore(_ => { var s = new InMemoryApiKeyStore(); keys.Seed(s); return s; }, cache: true);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public Keys Keys { get; }
    public IServiceProvider LimitedServices { get; }
    internal DeclarativeAuthMiddleware MiddlewareLimited { get; }
    public IServiceProvider SharedServices { get; }
    internal DeclarativeAuthMiddleware MiddlewareShared { get; }

    /// <summary>A shared-limit store with no other instance: every batch is granted what it asks, as if nobody else counted.</summary>
    private sealed class InstantSharedStore : ISharedRateLimitStore
    {
        public Task<SharedRateAnswer> ReserveAsync(IReadOnlyList<SharedRateRequest> requests, CancellationToken cancellationToken)
            => Task.FromResult(new SharedRateAnswer([.. requests.Select(r => r.Apply(0))], 1));
    }

    public IServiceProvider ProblemDetailsServices { get; }
    internal DeclarativeAuthMiddleware MiddlewareProblemDetails { get; }
    public Endpoint OurEndpoint { get; }
    public Endpoint ConventionalEndpoint { get; }
    public Endpoint EndpointLimitedEndpoint { get; }
    public IServiceProvider Services { get; }
    public IServiceProvider ConventionalServices { get; }
    public IApiKeyStore Store { get; }
    internal DeclarativeAuthState State { get; }
    internal DeclarativeAuthMiddleware Middleware { get; }
    internal DeclarativeAuthMiddleware MiddlewareReadsUser { get; }
    internal EndpointPolicy Policy { get; }
    public RequestDelegate Conventional { get; }
    public RequestDelegate NoAuth { get; }

    /// <summary>The ASP.NET Core way: an API-key AuthenticationHandler plus a policy with a permission requirement.</summary>
    public static void AddConventionalAuth(IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        services.AddAuthorization(o => o.AddPolicy(Keys.Permission, p => p.AddRequirements(new PermissionRequirement(Keys.Permission))));
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
    }

    /// <summary>Warms the cache so every benchmark measures a cached key.</summary>
    public async Task WarmAsync()
    {
        foreach (var key in new[] { Keys.Valid, Keys.Lacking })
            await Store.FindAsync(KeyHash.Compute(key));
    }
}

/// <summary>
/// What an app writes today (the shape of the popular API-key handler packages): read the bearer header, hash,
/// look the key up, build a ClaimsPrincipal with one claim per permission.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiKeyStore store,
    TimeProvider? time = null) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Not a bearer token.");
        var token = header["Bearer ".Length..].Trim();
        if (!KeyHash.TryCompute(token, out var hash))
            return AuthenticateResult.Fail("Invalid key.");
        var key = await store.FindAsync(hash, Context.RequestAborted);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if (key is null || key.IsRevoked(now) || key.IsExpired(now))
            return AuthenticateResult.Fail("Invalid key.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id),
            new(ClaimTypes.Name, key.Name),
        };
        foreach (var permission in key.Permissions)
            claims.Add(new Claim(DeclarativeAuthClaimTypes.Permission, permission));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}

public sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.HasClaim(DeclarativeAuthClaimTypes.Permission, requirement.Permission)
            || context.User.HasClaim(DeclarativeAuthClaimTypes.Permission, PermissionName.Admin))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
