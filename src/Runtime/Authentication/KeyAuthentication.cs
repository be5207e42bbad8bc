using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The one authentication step, shared by the verifier and the <c>ApiKey</c> scheme so no path can skip a guard:
/// key in the URL → Authorization header → is it one of our keys → failed-attempt limit → format → SHA-256 → cache
/// or store (within <see cref="DeclarativeAuthOptions.StoreTimeout"/>) → revoked or expired → outcome. Credentials
/// that are not shaped like our keys (another bearer token, Basic, none) are left to the app, never counted as a
/// failed attempt. The common case — a valid cached key — completes synchronously and allocates nothing.
/// </summary>
internal sealed partial class KeyAuthentication(
    IApiKeyStore store,
    ApiKeyFormat format,
    KeyRateLimiter limiter,
    KeysInUrl urls,
    VerifiedKeys verified,
    IOptions<DeclarativeAuthOptions> options,
    TimeProvider time,
    ILogger<KeyAuthentication> logger)
{
    private readonly CachingApiKeyStore? _cache = store as CachingApiKeyStore;
    private readonly string _keyPrefix = format.Prefix + "_";

    // Refusals by format depend only on the app's format: built once, not per refused request.
    private readonly AuthError[] _formatErrors = [.. Enum.GetValues<KeyFormatError>().Select(e => OneMessage(options.Value, AuthError.ForFormat(e, format)))];

    // An unknown key: the app's one invalid-key message when it set one (DeclarativeAuthOptions.InvalidKeyMessage).
    private readonly AuthError _invalidKey = OneMessage(options.Value, AuthError.InvalidKey);

    private static AuthError OneMessage(DeclarativeAuthOptions options, AuthError error)
        => options.InvalidKeyMessage is { } message && error.Code == AuthErrorCodes.Unauthorized && error.Message != message
            ? new(error.Status, error.Code, message)
            : error;

    /// <summary>What a key-only endpoint answers to a credential that is not one of our keys.</summary>
    public AuthError NotOurKey => _formatErrors[(int)KeyFormatError.WrongPrefix];

    public ValueTask<KeyOutcome> AuthenticateAsync(HttpContext context)
    {
        if (urls.Carries(context.Request))
            return new(Fail(context, AuthError.KeyInUrl));

        switch (BearerToken.TryRead(context.Request.Headers, out var token, out var header))
        {
            case BearerToken.Result.Missing:
                return new(KeyOutcome.NoKey);
            case BearerToken.Result.Malformed:
                // Only a header that carries our prefix is a malformed key; any other scheme or token is the app's.
                return new(context.Request.Headers.Authorization.ToString().Contains(_keyPrefix, StringComparison.Ordinal)
                    ? Fail(context, AuthError.MalformedHeader)
                    : KeyOutcome.OtherCredential);
        }
        if (!token.StartsWith(_keyPrefix, StringComparison.Ordinal))
            return new(KeyOutcome.OtherCredential);
        // An address past its failed-attempt limit is not refused up front: a key the store knows is always served
        // (one NAT can carry many clients). Its failures keep answering 429 (Fail), and its cache misses may use only
        // the low-priority half of the store-lookup budget.

        if (_cache is { } cache && ConnectionSlot.Of(context, create: false) is { Entry: { } seen } slot
            && ReferenceEquals(slot.Header, header) && cache.IsCurrent(seen))
            return new(Check(context, seen.Key));
        var formatError = format.Check(token);
        if (formatError != KeyFormatError.None)
            return new(Fail(context, _formatErrors[(int)formatError]));
        if (!KeyHash.TryCompute(token, out var hash))
            return new(Fail(context, _invalidKey));

        // A cache hit is taken as the entry itself (what FindAsync would answer), so the connection can remember it.
        if (_cache?.Current(hash) is { } hit)
        {
            if (ConnectionSlot.Of(context, create: true) is { } here)
                (here.Header, here.Entry) = (header, hit);
            return new(Check(context, hit.Key));
        }

        ValueTask<ApiKey?> lookup;
        var overBudget = false;
        try
        {
            lookup = _cache is { } caching
                ? caching.Find(hash, lowPriority: limiter.Enabled && IsBlocked(context, out _), out overBudget, context.RequestAborted)
                : store.FindAsync(hash, context.RequestAborted);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            return new(Unavailable(ex));
        }
        // The store-lookup budget is spent (a flood of unknown keys): unavailable for now, not "no such key", and not
        // logged per request (the flood would become a flood of log lines).
        if (overBudget)
            return new(KeyOutcome.Refused(AuthError.Unavailable));
        return lookup.IsCompletedSuccessfully ? new(Check(context, lookup.Result)) : LookUpSlowly(context, lookup);
    }

    private async ValueTask<KeyOutcome> LookUpSlowly(HttpContext context, ValueTask<ApiKey?> lookup)
    {
        ApiKey? key;
        try
        {
            key = await lookup.AsTask().WaitAsync(options.Value.StoreTimeout, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFault(ex))
        {
            return Unavailable(ex);
        }
        return Check(context, key);
    }

    private KeyOutcome Check(HttpContext context, ApiKey? key)
    {
        if (key is null)
            return Fail(context, _invalidKey);
        var now = time.GetUtcNow();
        if (key.IsRevoked(now))
            return Fail(context, AuthError.Revoked);
        if (key.IsExpired(now))
            return Fail(context, AuthError.Expired);
        return KeyOutcome.Valid(verified.For(key));
    }

    private bool IsBlocked(HttpContext context, out KeyRateLimiter.Decision decision)
    {
        decision = default;
        // Most of the time no client has failed lately: then no address string is built on the request path.
        return limiter.HadFailuresRecently && limiter.IsExhausted(ClientPartition(context), limiter.FailedAttemptsLimit, out decision);
    }

    /// <summary>A failed authentication with one of our keys counts against the client's address; past the limit it becomes a 429.</summary>
    public KeyOutcome Fail(HttpContext context, AuthError error)
    {
        if (limiter.Enabled)
        {
            limiter.NoteFailure();
            var decision = limiter.Acquire(ClientPartition(context), limiter.FailedAttemptsLimit);
            if (!decision.Allowed)
                return KeyOutcome.Refused(AuthError.TooManyFailures, decision);
        }
        return KeyOutcome.Refused(error);
    }

    private static string ClientPartition(HttpContext context)
        => "ip|" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private KeyOutcome Unavailable(Exception ex)
    {
        LogStoreFault(logger, ex.GetType().Name, ex.Message);
        return KeyOutcome.Refused(AuthError.Unavailable);
    }

    private static bool IsStoreFault(Exception ex) => ex is KeyStoreUnavailableException or TimeoutException or System.Data.Common.DbException;

    [LoggerMessage(10, LogLevel.Error, "The key store could not be reached ({Kind}: {Reason}); refusing with 503.")]
    private static partial void LogStoreFault(ILogger logger, string kind, string reason);
}
