using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

/// <summary>
/// Enforces each endpoint's declaration. The common case — a declared endpoint and a valid cached key —
/// runs synchronously: one header read, a format check, one SHA-256, one lookup, one bit test; on a keep-alive
/// connection that sent the same header before, the header read and the bit test.
/// </summary>
internal sealed partial class DeclarativeAuthMiddleware(
    RequestDelegate next,
    DeclarativeAuthState state,
    IApiKeyStore store,
    IAuthErrorWriter errors,
    ApiKeyFormat format,
    KeyUsageRecorder usage,
    OrganizationsKey organizationsKey,
    WorkspaceResolver workspaces,
    KeyRateLimiter limiter,
    KeyAuthenticator authenticator,
    Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions> options,
    TimeProvider time,
    ILogger<DeclarativeAuthMiddleware> logger)
{
    // Kestrel hands every request on a keep-alive connection the same string for an Authorization header whose
    // bytes repeat. The connection keeps the last header string this verifier saw through to a cached key, with the
    // cache entry that answered it: the same string again skips the format check, the SHA-256 and the lookup (the
    // bulk of the verifier's cost end to end) for as long as that entry is what the cache would still serve.
    // Identity, not content, is compared: no secret is copied or compared here. One slot per HTTP/1.x connection
    // (its requests come one at a time; HTTP/2 streams share a connection concurrently, so they are left out), in
    // the connection's own items: nothing global, nothing that outlives the connection. Only with the caching
    // store, whose entries say when they stop being current; a store without it is asked every time.
    private readonly CachingApiKeyStore? _cache = store as CachingApiKeyStore;
    private static readonly object SeenHeaderKey = new();

    private sealed class SeenHeader
    {
        public string? Header;
        public CachingApiKeyStore.Entry? Entry;
    }

    private static SeenHeader? SeenOn(HttpContext context, bool create)
    {
        var protocol = context.Request.Protocol;
        if (!HttpProtocol.IsHttp11(protocol) && !HttpProtocol.IsHttp10(protocol)
            || context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items is not { } items)
            return null;
        if (items.TryGetValue(SeenHeaderKey, out var found))
            return found as SeenHeader;
        if (!create)
            return null;
        var seen = new SeenHeader();
        items[SeenHeaderKey] = seen;
        return seen;
    }

    // Refusals by format depend only on the app's format: built once, not per refused request.
    private readonly AuthError[] _formatErrors = [.. Enum.GetValues<KeyFormatError>().Select(e => AuthError.ForFormat(e, format))];

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
            case EndpointAccess.OrganizationsKey:
                return EnforceOrganizationsKey(context);
            default:
                return Enforce(context, policy);
        }
    }

    // An address past its failed-attempt limit is not refused up front: a key the store knows is always served
    // (one NAT can carry many clients). Its failures keep answering 429 (Fail), and its cache misses may use only
    // the low-priority half of the store-lookup budget.
    private Task Enforce(HttpContext context, EndpointPolicy policy)
    {
        if (context.Request.QueryString.HasValue && HasKeyInQuery(context.Request.Query))
            return Fail(context, AuthError.KeyInUrl);

        switch (BearerToken.TryRead(context.Request.Headers, out var token, out var header))
        {
            case BearerToken.Result.Missing:
                return Refuse(context, AuthError.MissingKey);
            case BearerToken.Result.Malformed:
                return Fail(context, AuthError.MalformedHeader);
        }
        if (_cache is { } cache && SeenOn(context, create: false) is { Entry: { } seen } slot
            && ReferenceEquals(slot.Header, header) && cache.IsCurrent(seen))
            return Decide(context, policy, seen.Key);
        var formatError = format.Check(token);
        if (formatError != KeyFormatError.None)
            return Fail(context, _formatErrors[(int)formatError]);
        if (!KeyHash.TryCompute(token, out var hash))
            return Fail(context, AuthError.InvalidKey);

        // A cache hit is taken as the entry itself (what FindAsync would answer), so the connection can remember it.
        if (_cache?.Current(hash) is { } hit)
        {
            if (SeenOn(context, create: true) is { } seenHere)
                (seenHere.Header, seenHere.Entry) = (header, hit);
            return Decide(context, policy, hit.Key);
        }

        ValueTask<ApiKey?> lookup;
        var refused = false;
        try
        {
            lookup = _cache is { } caching
                ? caching.Find(hash, lowPriority: limiter.Enabled && IsBlocked(context, out _), out refused, context.RequestAborted)
                : store.FindAsync(hash, context.RequestAborted);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            return Unavailable(context, ex);
        }
        if (refused)
            return Busy(context);
        return lookup.IsCompletedSuccessfully
            ? Decide(context, policy, lookup.Result)
            : EnforceSlow(context, policy, lookup);
    }

    private async Task EnforceSlow(HttpContext context, EndpointPolicy policy, ValueTask<ApiKey?> lookup)
    {
        ApiKey? key;
        try
        {
            key = await lookup.AsTask().WaitAsync(options.Value.StoreTimeout, time, context.RequestAborted).ConfigureAwait(false);
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
            return Fail(context, AuthError.InvalidKey);
        var now = time.GetUtcNow();
        if (key.IsRevoked(now))
            return Fail(context, AuthError.Revoked);
        if (key.IsExpired(now))
            return Fail(context, AuthError.Expired);

        var verified = VerifiedKey.For(key, state.Catalog);
        if (key.Kind == ApiKeyKind.EventWrite)
        {
            if (!policy.EventIngestion)
                return Refuse(context, AuthError.EventWriteKeyElsewhere);
        }
        else if (policy.EventIngestion && policy.Permissions.Length == 0 && !verified.IsAdmin)
        {
            return Refuse(context, AuthError.EventWriteKeyOnly);
        }
        else if (!policy.IsSatisfiedBy(verified))
        {
            return Refuse(context, policy.ForbiddenFor(verified));
        }

        if (policy.RequiresWorkspace || key.Workspace is not null)
        {
            var named = workspaces.Resolve(context, out var malformed);
            if (malformed)
                return Refuse(context, AuthError.WorkspaceMalformed(workspaces.HowToPass));
            if (key.Workspace is { } restricted)
            {
                if (named is not null && !string.Equals(named, restricted, StringComparison.Ordinal))
                    return Refuse(context, AuthError.WrongWorkspace(restricted, named));
                named = restricted;
            }
            else if (named is null)
            {
                return Refuse(context, AuthError.WorkspaceRequired(workspaces.HowToPass));
            }
            context.Features.Set<IWorkspaceFeature>(new WorkspaceFeature(named));
        }

        if (limiter.Enabled)
        {
            var limit = policy.RateLimitPerMinute ?? key.RateLimitPerMinute ?? limiter.DefaultLimit;
            var decision = limiter.Acquire(policy.RatePartitionSuffix.Length == 0 ? key.Id : key.Id + policy.RatePartitionSuffix, limit);
            SetRateHeaders(context, decision);
            if (!decision.Allowed)
                return Refuse(context, AuthError.RateLimited(decision.Limit), decision);
        }

        context.User = verified.Principal;
        context.Features.Set<IApiKeyFeature>(verified.Feature);
        usage.Record(key.Id, now);
        return next(context);
    }

    private Task EnforceOrganizationsKey(HttpContext context)
    {
        if (!organizationsKey.IsEnabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return BearerToken.TryRead(context.Request.Headers, out var token) switch
        {
            BearerToken.Result.Missing => Refuse(context, AuthError.MissingKey),
            BearerToken.Result.Found when organizationsKey.Matches(token) => NextAsOrganizations(context),
            _ => Fail(context, AuthError.InvalidKey),
        };
    }

    private Task NextAsOrganizations(HttpContext context)
    {
        context.User = OrganizationsPrincipal;
        return next(context);
    }

    private static readonly System.Security.Claims.ClaimsPrincipal OrganizationsPrincipal = new(
        new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "organizations")],
            DeclarativeAuthDefaults.AuthenticationType));

    // [Authorize] endpoints: ASP.NET Core authorization decides; a valid key only makes the caller known.
    private async Task AuthenticateOnly(HttpContext context)
    {
        try
        {
            await authenticator.TryAuthenticateAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            await Unavailable(context, ex).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    // Keys never travel in URLs (they end up in logs, history and Referer headers): a key-shaped query value
    // is refused even when the header is right, so the mistake is caught on the first call.
    private bool HasKeyInQuery(IQueryCollection query)
    {
        foreach (var (_, values) in query)
        {
            foreach (var value in values)
            {
                if (value is not null && (format.Check(value) is KeyFormatError.None or KeyFormatError.WrongEnvironment or KeyFormatError.BadChecksum
                    || OrganizationsKey.IsWellFormed(value)))
                    return true;
            }
        }
        return false;
    }

    private bool IsBlocked(HttpContext context, out KeyRateLimiter.Decision decision)
    {
        decision = default;
        // Most of the time no client has failed lately: then no address string is built on the request path.
        return limiter.HadFailuresRecently && limiter.IsExhausted(ClientPartition(context), limiter.FailedAttemptsLimit, out decision);
    }

    // A failed authentication counts against the client's address; past the limit it becomes a 429.
    private Task Fail(HttpContext context, AuthError error)
    {
        if (limiter.Enabled)
        {
            limiter.NoteFailure();
            var decision = limiter.Acquire(ClientPartition(context), limiter.FailedAttemptsLimit);
            if (!decision.Allowed)
                return Refuse(context, AuthError.TooManyFailures, decision);
        }
        return Refuse(context, error);
    }

    private static string ClientPartition(HttpContext context)
        => "ip|" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static void SetRateHeaders(HttpContext context, KeyRateLimiter.Decision decision)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
    }

    private Task Refuse(HttpContext context, AuthError error, KeyRateLimiter.Decision limited)
    {
        SetRateHeaders(context, limited);
        context.Response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Refuse(context, error);
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
            response.Headers.WWWAuthenticate = error.Cache.Challenge(required, InsufficientScope);
        }
        return errors.WriteAsync(context, error);
    }

    private static readonly RefusalCache.Builder<string> InsufficientScope = static (_, _, _, required)
        => $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required!)}\"";

    private Task Unavailable(HttpContext context, Exception ex)
    {
        LogStoreFault(logger, ex.GetType().Name, ex.Message);
        context.Response.Headers.RetryAfter = "1";
        return Refuse(context, AuthError.Unavailable);
    }

    // The store-lookup budget is spent (a flood of unknown keys): unavailable for now, not "no such key", and not
    // logged per request (the flood would become a flood of log lines).
    private Task Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Refuse(context, AuthError.Unavailable);
    }

    private static bool IsStoreFault(Exception ex) => ex is KeyStoreUnavailableException or TimeoutException or System.Data.Common.DbException;

    [LoggerMessage(10, LogLevel.Error, "The key store could not be reached ({Kind}: {Reason}); refusing with 503.")]
    private static partial void LogStoreFault(ILogger logger, string kind, string reason);
}
