using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// One named limit of one endpoint (<see cref="KeyRateLimitWindowAttribute"/>, <c>WithKeyRateLimitWindow</c>), compiled
/// once into the endpoint's <see cref="EndpointPolicy"/> with what the request path needs ready: the header item and
/// (from the first request on) its own table of per-key counters. Declarations are checked here, when the policy is
/// compiled at start-up, so a bad one stops the app with the endpoint and the setting named, never a 500 later.
/// </summary>
internal sealed class EndpointRateLimit
{
    private EndpointRateLimit(string name, int limit, TimeSpan window, string endpoint)
    {
        Name = name;
        Limit = limit;
        Window = window;
        Seconds = (long)window.TotalSeconds;
        SharedPrefix = name + "|" + endpoint + "|";
        PolicyItem = string.Create(CultureInfo.InvariantCulture, $"\"{name}\";q={limit};w={Seconds}");
    }

    public string Name { get; }

    public int Limit { get; }

    public TimeSpan Window { get; }

    public long Seconds { get; }

    /// <summary>Before the key id in the row instances share (limit and endpoint: two endpoints never share a count).</summary>
    public string SharedPrefix { get; }

    /// <summary>This limit's item of <c>RateLimit-Policy</c>: <c>"exports-hour";q=10;w=3600</c>.</summary>
    public string PolicyItem { get; }

    /// <summary>The per-key counters, made by <see cref="KeyRateLimiter.CountersFor"/> on first use.</summary>
    internal GenerationalTable<string, KeyRateLimiter.Counter>? Counters;

    /// <summary>The 429 this limit answers, made once.</summary>
    internal AuthError? Refusal;

    /// <summary>A limit's name: a token in headers (<c>"day";r=…</c>) and messages.</summary>
    public static bool IsName(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A window the limiter can count: whole seconds from one second to 31 days.</summary>
    public static bool IsWindow(TimeSpan window)
        => window >= TimeSpan.FromSeconds(1) && window <= TimeSpan.FromDays(31) && window.Ticks % TimeSpan.TicksPerSecond == 0;

    /// <summary>
    /// The endpoint's declared limits, checked against each other and the key's own (<paramref name="options"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A declaration is wrong: the message names the endpoint, the limit and the fix.</exception>
    public static EndpointRateLimit[] Compile(Endpoint endpoint, KeyRateLimitOptions? options, bool takesKeys)
    {
        var declared = endpoint.Metadata.GetOrderedMetadata<KeyRateLimitWindowAttribute>();
        if (declared.Count == 0)
            return [];
        var (methods, route) = EndpointDescription.Of(endpoint);
        var at = $"{methods} {route}";
        if (!takesKeys)
        {
            throw new InvalidOperationException(
                $"Endpoint {at} declares [KeyRateLimitWindow(\"{declared[0].Name}\", …)] but takes no API key (public, [Authorize] or the organizations key), so the limit would never count: remove it, or require a key ([RequiresKey], .RequireKey(…)).");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (options is not null)
        {
            seen.Add(options.Name);
            foreach (var w in options.Windows)
                seen.Add(w.Name);
        }
        var limits = new List<EndpointRateLimit>(declared.Count);
        foreach (var d in declared.Distinct())
        {
            var what = $"Endpoint {at}: [KeyRateLimitWindow(\"{d.Name}\", {d.Limit}, \"{d.Window}\")]";
            if (!IsName(d.Name))
                throw new InvalidOperationException($"{what}: the name must be 1 to 32 letters, digits, '-' or '_', e.g. \"exports-hour\".");
            if (!seen.Add(d.Name))
                throw new InvalidOperationException($"{what}: the name '{d.Name}' is already used by another limit of this endpoint or of every key (DeclarativeAuth:RateLimits:Name, :Windows); give each limit its own name.");
            if (d.Limit < 1)
                throw new InvalidOperationException($"{what}: the limit must be at least 1; got {d.Limit}.");
            if (!TimeSpan.TryParse(d.Window, CultureInfo.InvariantCulture, out var window) || !IsWindow(window))
                throw new InvalidOperationException($"{what}: the window must be whole seconds from 00:00:01 to 31.00:00:00, written as a TimeSpan (\"01:00:00\" for an hour, \"1.00:00:00\" for a day); got \"{d.Window}\".");
            limits.Add(new EndpointRateLimit(d.Name, d.Limit, window, at));
        }
        return [.. limits];
    }
}
