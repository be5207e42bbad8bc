using Microsoft.AspNetCore.Identity;

namespace Declarative.Auth.Conformance.App.Endpoints;

/// <summary>Endpoints ASP.NET Core's own producers map: health checks, fallbacks, the Identity API. Tags: see MinimalShapes.</summary>
public static class ProducerShapes
{
    public static void MapProducerShapes(this WebApplication app)
    {
        app.MapHealthChecks("/health/live").AllowAnonymous(); //= * /health/live => public
        app.MapHealthChecks("/health/ready").RequireKey(KeyType.Read, "health"); //= * /health/ready => key[read:health]
        app.MapHealthChecks("/health/raw"); //= * /health/raw => undeclared

        app.MapFallback("/fb/{*path}", () => "fallback").AllowAnonymous(); //= * /fb/{*path} => public
        app.MapFallbackToFile("/spa/{*path:nonfile}", "index.html").RequireKey(KeyType.Read, "spa"); //= GET,HEAD /spa/{*path:nonfile} => key[read:spa]
        app.MapFallback(() => "fallback"); //= * /{*path:nonfile} => undeclared

        // MapIdentityApi maps ten endpoints; its /manage group carries its own RequireAuthorization().
        app.MapGroup("/identity").MapIdentityApi<IdentityUser>().RequireKey(KeyType.Read, "identity"); //= POST /identity/register => key[read:identity]; POST /identity/login => key[read:identity]; POST /identity/refresh => key[read:identity]; GET /identity/confirmEmail => key[read:identity]; POST /identity/resendConfirmationEmail => key[read:identity]; POST /identity/forgotPassword => key[read:identity]; POST /identity/resetPassword => key[read:identity]; POST /identity/manage/2fa => key[read:identity]; GET /identity/manage/info => key[read:identity]; POST /identity/manage/info => key[read:identity]
    }
}
