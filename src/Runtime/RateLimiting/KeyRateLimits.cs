using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// A key's limits for one request: the per-minute window (the endpoint's own limit, else the key's, else the app's),
/// each named window of the app, and the endpoint's own named limits (<see cref="KeyRateLimitWindowAttribute"/>), all
/// charged the endpoint's cost. Taken as soon as the key is known to be valid, before the endpoint's requirement is
/// checked, so every response to an authenticated request — a 403 included — carries the rate-limit headers, and
/// requests refused for their permissions count too. A request one limit refuses spends nothing: what the others
/// took is given back. The limit that binds (the first one spent, else the one with the fewest permits left) is the
/// one <c>X-RateLimit-*</c>, <c>Retry-After</c> and the 429 name; <c>RateLimit-Policy</c> and <c>RateLimit</c> list them all.
/// </summary>
internal sealed class KeyRateLimits(KeyRateLimiter limiter)
{
    private string? _defaultPolicy;
    private AuthError? _defaultRefusal;
    private readonly AuthError?[] _windowRefusals = new AuthError?[limiter.WindowCount];

    /// <summary>False when a limit is spent; <paramref name="decision"/> then describes the 429.</summary>
    public bool TryAcquire(HttpContext context, EndpointPolicy policy, ApiKey key, out KeyRateLimiter.Decision decision)
    {
        decision = default;
        if (!limiter.Enabled)
            return true;
        var cost = policy.RateLimitCost;
        var limit = policy.RateLimitPerMinute ?? key.RateLimitPerMinute ?? limiter.DefaultLimit;
        var partition = policy.RatePartitionSuffix.Length == 0 ? key.Id : key.Id + policy.RatePartitionSuffix;
        var minute = limiter.Acquire(partition, limit, cost);
        var binding = minute;
        var endpointLimits = policy.RateLimitWindows;
        var appWindows = limiter.WindowCount;
        Span<KeyRateLimiter.Decision> windows = stackalloc KeyRateLimiter.Decision[appWindows + endpointLimits.Length];
        for (var i = 0; i < windows.Length; i++)
        {
            windows[i] = i < appWindows
                ? limiter.AcquireWindow(i, key.Id, cost)
                : limiter.AcquireEndpoint(endpointLimits[i - appWindows], i, key.Id, cost);
            if (binding.Allowed && (!windows[i].Allowed || windows[i].Remaining < binding.Remaining))
                binding = windows[i];
        }
        if (!binding.Allowed)
        {
            Refund(partition, minute, windows, endpointLimits, key.Id, cost);
            minute = Refunded(minute, cost);
            for (var i = 0; i < windows.Length; i++)
                windows[i] = Refunded(windows[i], cost);
        }
        var headers = limiter.Headers;
        if ((headers & RateLimitHeaders.XRateLimit) != 0)
            Refusals.SetRateHeaders(context, binding);
        if ((headers & RateLimitHeaders.Standard) != 0)
            SetStandardHeaders(context, policy, minute, windows);
        decision = binding;
        return binding.Allowed;
    }

    // A refused request spends nothing: each limit that counted it gets its cost back (in the window it was taken
    // from). Until then a racing request may see the count too high and be refused as well: never let through.
    private void Refund(string partition, KeyRateLimiter.Decision minute, ReadOnlySpan<KeyRateLimiter.Decision> windows,
        EndpointRateLimit[] endpointLimits, string keyId, int cost)
    {
        limiter.Refund(partition, minute, cost);
        var appWindows = limiter.WindowCount;
        for (var i = 0; i < windows.Length; i++)
        {
            if (i < appWindows)
                limiter.RefundWindow(i, keyId, windows[i], cost);
            else
                limiter.RefundEndpoint(endpointLimits[i - appWindows], keyId, windows[i], cost);
        }
    }

    // What a limit that allowed the request has left once its cost is given back (a refusing one reports 0 left).
    private static KeyRateLimiter.Decision Refunded(KeyRateLimiter.Decision d, int cost)
        => d.Allowed && d.Counted ? d with { Remaining = Math.Min(d.Limit, d.Remaining + cost) } : d;

    /// <summary>The 429 for <paramref name="decision"/>, naming the limit that was spent (made once per limit).</summary>
    public AuthError Refusal(EndpointPolicy policy, KeyRateLimiter.Decision decision)
    {
        var appWindows = limiter.WindowCount;
        if (decision.Index >= appWindows && decision.Index - appWindows < policy.RateLimitWindows.Length)
        {
            var own = policy.RateLimitWindows[decision.Index - appWindows];
            return own.Refusal ??= AuthError.RateLimited(own.Name, own.Limit, Span(own.Seconds));
        }
        if (decision.Index >= 0 && decision.Index < appWindows)
        {
            var window = limiter.WindowAt(decision.Index);
            return _windowRefusals[decision.Index] ??= AuthError.RateLimited(window.Name, window.Limit, Span((long)window.Window.TotalSeconds));
        }
        return decision.Limit == limiter.DefaultLimit
            ? _defaultRefusal ??= AuthError.RateLimited(limiter.Name, decision.Limit, Span(60))
            : AuthError.RateLimited(limiter.Name, decision.Limit, Span(60));
    }

    private void SetStandardHeaders(HttpContext context, EndpointPolicy policy, KeyRateLimiter.Decision minute, ReadOnlySpan<KeyRateLimiter.Decision> windows)
    {
        var h = context.Response.Headers;
        // The usual per-minute limit gives a value made once (per endpoint with its own limits, else once for all).
        var usual = minute.Limit == (policy.RateLimitPerMinute ?? limiter.DefaultLimit);
        h["RateLimit-Policy"] = !usual ? Policy(minute.Limit, policy)
            : policy.RateLimitWindows.Length == 0 ? (minute.Limit == limiter.DefaultLimit ? _defaultPolicy ??= Policy(minute.Limit, policy) : Policy(minute.Limit, policy))
            : policy.StandardPolicyHeader ??= Policy(minute.Limit, policy);
        h["RateLimit"] = Items(policy, minute, windows);
    }

    // draft-ietf-httpapi-ratelimit-headers: a policy item is "name";q=quota;w=window-seconds, a limit item
    // "name";r=remaining;t=seconds-to-reset; one item per limit that applies, in the same order in both fields.
    private string Policy(int minuteLimit, EndpointPolicy policy)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"\"{limiter.Name}\";q={minuteLimit};w=60");
        for (var i = 0; i < limiter.WindowCount; i++)
        {
            var w = limiter.WindowAt(i);
            value += string.Create(CultureInfo.InvariantCulture, $", \"{w.Name}\";q={w.Limit};w={(long)w.Window.TotalSeconds}");
        }
        foreach (var own in policy.RateLimitWindows)
            value += ", " + own.PolicyItem;
        return value;
    }

    // The RateLimit value in one string (the only allocation it makes): every item written into one buffer.
    private string Items(EndpointPolicy policy, KeyRateLimiter.Decision minute, ReadOnlySpan<KeyRateLimiter.Decision> windows)
    {
        const int PerItem = 32 + 2 * 11 + 12; // a name, two numbers, quotes, separators and parameter names
        var longest = (1 + windows.Length) * PerItem;
        char[]? rented = null;
        var buffer = longest <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(longest));
        try
        {
            var at = Item(buffer, 0, limiter.Name, minute);
            var appWindows = limiter.WindowCount;
            for (var i = 0; i < windows.Length; i++)
            {
                buffer[at++] = ',';
                buffer[at++] = ' ';
                var name = i < appWindows ? limiter.WindowAt(i).Name : policy.RateLimitWindows[i - appWindows].Name;
                at = Item(buffer, at, name, windows[i]);
            }
            return new string(buffer[..at]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static int Item(Span<char> buffer, int at, string name, KeyRateLimiter.Decision d)
    {
        buffer[at++] = '"';
        name.CopyTo(buffer[at..]);
        at += name.Length;
        "\";r=".CopyTo(buffer[at..]);
        at += 4;
        d.Remaining.TryFormat(buffer[at..], out var written, provider: CultureInfo.InvariantCulture);
        at += written;
        ";t=".CopyTo(buffer[at..]);
        at += 3;
        d.RetryAfterSeconds.TryFormat(buffer[at..], out written, provider: CultureInfo.InvariantCulture);
        return at + written;
    }

    private static string Span(long seconds) => seconds switch
    {
        60 => "minute",
        _ when seconds % 86400 == 0 => seconds == 86400 ? "day" : $"{seconds / 86400} days",
        _ when seconds % 3600 == 0 => seconds == 3600 ? "hour" : $"{seconds / 3600} hours",
        _ when seconds % 60 == 0 => $"{seconds / 60} minutes",
        _ => $"{seconds} seconds",
    };
}
