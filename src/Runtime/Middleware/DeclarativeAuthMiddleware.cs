using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>
/// Enforces each endpoint's declaration. The common case — a declared endpoint and a valid cached key —
/// runs synchronously: one header read, one SHA-256, one store lookup, one bit test, no allocation.
/// </summary>
internal sealed partial class DeclarativeAuthMiddleware(
    RequestDelegate next,
    DeclarativeAuthState state,
    IApiKeyStore store,
    IAuthErrorWriter errors,
    ApiKeyFormat format,
    KeyUsageRecorder usage,
    TimeProvider time,
    ILogger<DeclarativeAuthMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
            return next(context); // nothing matched: no endpoint code runs, the request ends in 404

        var policy = state.PolicyFor(endpoint);
        switch (policy.Access)
        {
            case EndpointAccess.Public:
                return next(context);
            case EndpointAccess.Undeclared:
                return state.AllowUndeclared ? next(context) : Refuse(context, AuthError.Undeclared);
            case EndpointAccess.Authorize:
                return AuthenticateOnly(context);
            default:
                return Enforce(context, policy);
        }
    }

    private Task Enforce(HttpContext context, EndpointPolicy policy)
    {
        switch (BearerToken.TryRead(context.Request.Headers, out var token))
        {
            case BearerToken.Result.Missing:
                return Refuse(context, AuthError.MissingKey);
            case BearerToken.Result.Malformed:
                return Refuse(context, AuthError.MalformedHeader);
        }
        var formatError = format.Check(token);
        if (formatError != KeyFormatError.None)
            return Refuse(context, AuthError.ForFormat(formatError, format));
        if (!KeyHash.TryCompute(token, out var hash))
            return Refuse(context, AuthError.InvalidKey);

        ValueTask<ApiKey?> lookup;
        try
        {
            lookup = store.FindAsync(hash, context.RequestAborted);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            return Unavailable(context, ex);
        }
        return lookup.IsCompletedSuccessfully
            ? Decide(context, policy, lookup.Result)
            : EnforceSlow(context, policy, lookup);
    }

    private async Task EnforceSlow(HttpContext context, EndpointPolicy policy, ValueTask<ApiKey?> lookup)
    {
        ApiKey? key;
        try
        {
            key = await lookup.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            await Unavailable(context, ex).ConfigureAwait(false);
            return;
        }
        await Decide(context, policy, key).ConfigureAwait(false);
    }

    private Task Decide(HttpContext context, EndpointPolicy policy, ApiKey? key)
    {
        if (key is null)
            return Refuse(context, AuthError.InvalidKey);
        var now = time.GetUtcNow();
        if (key.IsRevoked(now))
            return Refuse(context, AuthError.Revoked);
        if (key.IsExpired(now))
            return Refuse(context, AuthError.Expired);

        var verified = VerifiedKey.For(key, state.Catalog);
        if (!policy.IsSatisfiedBy(verified))
            return Refuse(context, AuthError.MissingPermissions(policy.Permissions, policy.MissingFrom(verified)));

        context.User = verified.Principal;
        context.Features.Set<IApiKeyFeature>(verified.Feature);
        usage.Record(key.Id, now);
        return next(context);
    }

    // [Authorize] endpoints: ASP.NET Core authorization decides; a valid key only makes the caller known.
    private async Task AuthenticateOnly(HttpContext context)
    {
        if (BearerToken.TryRead(context.Request.Headers, out var token) == BearerToken.Result.Found
            && format.Check(token) == KeyFormatError.None
            && KeyHash.TryCompute(token, out var hash))
        {
            try
            {
                var key = await store.FindAsync(hash, context.RequestAborted).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (key is not null && !key.IsRevoked(now) && !key.IsExpired(now))
                {
                    var verified = VerifiedKey.For(key, state.Catalog);
                    context.User = verified.Principal;
                    context.Features.Set<IApiKeyFeature>(verified.Feature);
                }
            }
            catch (Exception ex) when (IsStoreFault(ex))
            {
                await Unavailable(context, ex).ConfigureAwait(false);
                return;
            }
        }
        await next(context).ConfigureAwait(false);
    }

    private Task Refuse(HttpContext context, AuthError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = error == AuthError.MissingKey
                ? "Bearer"
                : "Bearer error=\"invalid_token\"";
        }
        else if (error.Status == StatusCodes.Status403Forbidden && error.RequiredPermissions is { Count: > 0 } required)
        {
            response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required)}\"";
        }
        return errors.WriteAsync(context, error);
    }

    private Task Unavailable(HttpContext context, Exception ex)
    {
        LogStoreFault(logger, ex.GetType().Name, ex.Message);
        context.Response.Headers.RetryAfter = "1";
        return Refuse(context, AuthError.Unavailable);
    }

    private static bool IsStoreFault(Exception ex) => ex is KeyStoreUnavailableException or TimeoutException or System.Data.Common.DbException;

    [LoggerMessage(10, LogLevel.Error, "The key store could not be reached ({Kind}: {Reason}); refusing with 503.")]
    private static partial void LogStoreFault(ILogger logger, string kind, string reason);
}
