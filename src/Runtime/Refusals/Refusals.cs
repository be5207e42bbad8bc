using System.Globalization;
using Declarative.Auth.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Writes a refusal: its status, the headers a client needs to act on it (<c>WWW-Authenticate</c>, <c>Retry-After</c>,
/// <c>X-RateLimit-*</c>, the accepted permissions of a 403), then the body through the app's <see cref="IAuthErrorWriter"/>. The verifier and the
/// <c>ApiKey</c> scheme's challenge both answer through it, so a refusal reads the same on every path.
/// </summary>
internal sealed class Refusals(IAuthErrorWriter errors, IOptions<DeclarativeAuthOptions> options, KeyUsageCounters? usage = null, KeyAuditLog? audit = null)
{
    private readonly string? _acceptedHeader = AcceptedHeaderName(options.Value.AcceptedPermissionsHeader);

    /// <param name="context">The request.</param>
    /// <param name="error">The refusal.</param>
    /// <param name="limited">For a 429: the window that was full.</param>
    /// <param name="key">The verified key refused (rate limit, permissions, workspace): its usage counts the refusal.</param>
    public Task Write(HttpContext context, AuthError error, KeyRateLimiter.Decision? limited = null, ApiKey? key = null)
    {
        if (key is not null)
            usage?.Refused(key.Id, error.Code);
        if (audit is not null)
            KeyManagementAudit.Refused(audit, context, error, key);
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
            if (_acceptedHeader is not null)
                response.Headers[_acceptedHeader] = error.Cache.Accepted(required, AcceptedSetsBuilder);
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

    /// <summary>
    /// The smallest permission sets meeting every required permission: one alternative per requirement (the
    /// permission, or write:x for read:x), and admin alone.
    /// </summary>
    internal static string AcceptedSets(IReadOnlyList<string> required)
    {
        IEnumerable<string> sets = [""];
        foreach (var permission in required)
        {
            var alternatives = PermissionText.AcceptedFor(permission).Where(p => p != PermissionText.Admin).ToArray();
            sets = sets.SelectMany(set => alternatives.Select(a => set.Length == 0 ? a : set + " " + a)).ToList();
        }
        return string.Join(", ", sets.Where(s => s.Length > 0).Append(PermissionText.Admin));
    }

    private static readonly RefusalCache.Builder<string> AcceptedSetsBuilder = static (_, _, _, required) => AcceptedSets(required!);

    private static string? AcceptedHeaderName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return null;
        // A header name is an RFC 9110 token; anything else would throw on the first 403 instead of at start-up.
        if (!name.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))))
            throw new InvalidOperationException($"DeclarativeAuth:AcceptedPermissionsHeader '{name}' is not a header name: use letters, digits and '-', e.g. X-Accepted-Permissions, or leave it empty for none.");
        return name;
    }

    private static readonly RefusalCache.Builder<string> InsufficientScope = static (_, _, _, required)
        => $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required!)}\"";
}
