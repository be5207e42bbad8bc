using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

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
        // Every ValidateOnStart setting is checked now, before app.Run(): a bad one escapes Main as an
        // OptionsValidationException that StartupFailure prints as one line, not one the host logs with a stack trace.
        app.ApplicationServices.GetService<IStartupValidator>()?.Validate();
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
