using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// A key's limits for one request: the per-minute window (the endpoint's own limit, else the key's, else the app's)
/// and each named window of the app, all charged the endpoint's cost. Taken as soon as the key is known to be valid,
/// before the endpoint's requirement is checked, so every response to an authenticated request — a 403 included —
/// carries the rate-limit headers, and refused requests count too. The limit that binds (the first one spent, else
/// the one with the fewest permits left) is the one <c>X-RateLimit-*</c>, <c>Retry-After</c> and the 429 name.
/// </summary>
internal sealed class KeyRateLimits(KeyRateLimiter limiter)
{
    private string? _defaultPolicy;

    /// <summary>False when a window is spent; <paramref name="decision"/> then describes the 429.</summary>
    public bool TryAcquire(HttpContext context, EndpointPolicy policy, ApiKey key, out KeyRateLimiter.Decision decision)
    {
        decision = default;
        if (!limiter.Enabled)
            return true;
        var limit = policy.RateLimitPerMinute ?? key.RateLimitPerMinute ?? limiter.DefaultLimit;
        var minute = limiter.Acquire(policy.RatePartitionSuffix.Length == 0 ? key.Id : key.Id + policy.RatePartitionSuffix, limit, policy.RateLimitCost);
        var binding = minute;
        Span<KeyRateLimiter.Decision> windows = stackalloc KeyRateLimiter.Decision[limiter.WindowCount];
        for (var i = 0; i < windows.Length; i++)
        {
            windows[i] = limiter.AcquireWindow(i, key.Id, policy.RateLimitCost);
            if (binding.Allowed && (!windows[i].Allowed || windows[i].Remaining < binding.Remaining))
                binding = windows[i];
        }
        var headers = limiter.Headers;
        if ((headers & RateLimitHeaders.XRateLimit) != 0)
            Refusals.SetRateHeaders(context, binding);
        if ((headers & RateLimitHeaders.Standard) != 0)
            SetStandardHeaders(context, minute, windows);
        decision = binding;
        return binding.Allowed;
    }

    /// <summary>The 429 for <paramref name="decision"/>, naming the limit that was spent.</summary>
    public AuthError Refusal(KeyRateLimiter.Decision decision)
    {
        var window = decision.Index < 0 ? null : limiter.WindowAt(decision.Index);
        var (name, seconds) = window is null ? (limiter.Name, 60L) : (window.Name, (long)window.Window.TotalSeconds);
        return AuthError.RateLimited(name, decision.Limit, Span(seconds));
    }

    private void SetStandardHeaders(HttpContext context, KeyRateLimiter.Decision minute, ReadOnlySpan<KeyRateLimiter.Decision> windows)
    {
        var h = context.Response.Headers;
        h["RateLimit-Policy"] = minute.Limit == limiter.DefaultLimit
            ? _defaultPolicy ??= Policy(minute.Limit)
            : Policy(minute.Limit);
        var value = Item(limiter.Name, minute);
        foreach (var window in windows)
            value += ", " + Item(limiter.WindowAt(window.Index).Name, window);
        h["RateLimit"] = value;
    }

    // draft-ietf-httpapi-ratelimit-headers: a policy item is "name";q=quota;w=window-seconds, a limit item "name";r=remaining;t=seconds-to-reset.
    private string Policy(int minuteLimit)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"\"{limiter.Name}\";q={minuteLimit};w=60");
        for (var i = 0; i < limiter.WindowCount; i++)
        {
            var w = limiter.WindowAt(i);
            value += string.Create(CultureInfo.InvariantCulture, $", \"{w.Name}\";q={w.Limit};w={(long)w.Window.TotalSeconds}");
        }
        return value;
    }

    private static string Item(string name, KeyRateLimiter.Decision d)
        => string.Create(CultureInfo.InvariantCulture, $"\"{name}\";r={d.Remaining};t={d.RetryAfterSeconds}");

    private static string Span(long seconds) => seconds switch
    {
        60 => "minute",
        _ when seconds % 86400 == 0 => seconds == 86400 ? "day" : $"{seconds / 86400} days",
        _ when seconds % 3600 == 0 => seconds == 3600 ? "hour" : $"{seconds / 3600} hours",
        _ when seconds % 60 == 0 => $"{seconds / 60} minutes",
        _ => $"{seconds} seconds",
    };
}
