using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Writes a refusal: its status, the headers a client needs to act on it (<c>WWW-Authenticate</c>, <c>Retry-After</c>,
/// <c>X-RateLimit-*</c>), then the body through the app's <see cref="IAuthErrorWriter"/>. The verifier and the
/// <c>ApiKey</c> scheme's challenge both answer through it, so a refusal reads the same on every path.
/// </summary>
internal sealed class Refusals(IAuthErrorWriter errors)
{
    public Task Write(HttpContext context, AuthError error, KeyRateLimiter.Decision? limited = null)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        if (limited is { } window)
        {
            SetRateHeaders(context, window);
            response.Headers.RetryAfter = window.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = error == AuthError.MissingKey
                ? "Bearer"
                : "Bearer error=\"invalid_token\"";
        }
        else if (error.Status == StatusCodes.Status403Forbidden && error.RequiredPermissions is { Count: > 0 } required)
        {
            response.Headers.WWWAuthenticate = error.Cache.Challenge(required, InsufficientScope);
        }
        else if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }
        return errors.WriteAsync(context, error);
    }

    public static void SetRateHeaders(HttpContext context, KeyRateLimiter.Decision decision)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
    }

    private static readonly RefusalCache.Builder<string> InsufficientScope = static (_, _, _, required)
        => $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required!)}\"";
}
