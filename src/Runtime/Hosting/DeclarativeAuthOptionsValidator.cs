using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Every setting of <see cref="DeclarativeAuthOptions"/> checked once, at start (<c>ValidateOnStart</c>, and eagerly in
/// <c>UseDeclarativeAuth()</c>): each failure names the setting as configuration spells it
/// (<c>DeclarativeAuth:RateLimits:RequestsPerMinute</c>) and says what to write. Secrets are never echoed.
/// </summary>
internal sealed class DeclarativeAuthOptionsValidator : IValidateOptions<DeclarativeAuthOptions>
{
    private const string Section = DeclarativeAuthOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, DeclarativeAuthOptions options)
    {
        var failures = new List<string>();
        if (!ApiKeyFormat.IsValidPrefix(options.KeyPrefix))
            failures.Add($"{Section}:KeyPrefix must be 2 to 16 lowercase ASCII letters naming the app, e.g. \"acme\".");
        Positive(failures, options.StoreTimeout, "StoreTimeout");
        Positive(failures, options.UsageFlushInterval, "UsageFlushInterval");
        KeyActivityOptions.Validate(failures, options);
        if (options.CacheDuration < TimeSpan.Zero)
            failures.Add($"{Section}:CacheDuration must not be negative; got {options.CacheDuration}.");
        if (options.RateLimits.RequestsPerMinute < 1)
            failures.Add($"{Section}:RateLimits:RequestsPerMinute must be at least 1 (turn limits off with {Section}:RateLimits:Enabled=false); got {options.RateLimits.RequestsPerMinute}.");
        if (options.RateLimits.FailedAttemptsPerMinute < 1)
            failures.Add($"{Section}:RateLimits:FailedAttemptsPerMinute must be at least 1; got {options.RateLimits.FailedAttemptsPerMinute}.");
        if (options.RateLimits.ReconcileInterval < TimeSpan.FromMilliseconds(10) || options.RateLimits.ReconcileInterval > TimeSpan.FromMinutes(1))
            failures.Add($"{Section}:RateLimits:ReconcileInterval must be between 10 ms and a minute, e.g. 00:00:00.2; got {options.RateLimits.ReconcileInterval}.");
        RateLimitWindowFailures(failures, options.RateLimits);
        foreach (var (id, pem) in options.SecretScanning.PublicKeys)
        {
            if (!SecretScanningAlert.IsP256PublicKey(pem))
                failures.Add($"{Section}:SecretScanning:PublicKeys:{id} must be an ECDSA P-256 public key in PEM (-----BEGIN PUBLIC KEY-----), as the scanner publishes it.");
        }
        for (var i = 0; i < options.Workspace.Sources.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Workspace.Sources[i].Name))
                failures.Add($"{Section}:Workspace:Sources:{i}:Name must name the header, query parameter or route value holding the workspace.");
        }
        if (OrganizationsKeyFailure(options.OrganizationsKey) is { } organizations)
            failures.Add(organizations);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            if (ConfiguredKeyFailure(options.Keys[i], $"{Section}:Keys:{i}") is { } key)
                failures.Add(key);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Names go into header items ("day";r=…) and messages: keep them to token characters, distinct.
    private static void RateLimitWindowFailures(List<string> failures, KeyRateLimitOptions limits)
    {
        // One rule for names and windows, here and for endpoints' own limits (EndpointRateLimit.Compile).
        static bool IsName(string? name) => EndpointRateLimit.IsName(name);
        if (!IsName(limits.Name))
            failures.Add($"{Section}:RateLimits:Name must be 1 to 32 letters, digits, '-' or '_', e.g. \"minute\".");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { limits.Name ?? "" };
        for (var i = 0; i < limits.Windows.Count; i++)
        {
            var w = limits.Windows[i];
            var at = $"{Section}:RateLimits:Windows:{i}";
            if (!IsName(w.Name))
                failures.Add($"{at}:Name must be 1 to 32 letters, digits, '-' or '_', e.g. \"day\".");
            else if (!seen.Add(w.Name))
                failures.Add($"{at}:Name '{w.Name}' is already used by another limit; give each limit its own name.");
            if (w.Limit < 1)
                failures.Add($"{at}:Limit must be at least 1; got {w.Limit}.");
            if (!EndpointRateLimit.IsWindow(w.Window))
                failures.Add($"{at}:Window must be whole seconds from 00:00:01 to 31.00:00:00, e.g. 1.00:00:00 for a day; got {w.Window}.");
        }
    }

    private static void Positive(List<string> failures, TimeSpan value, string setting)
    {
        if (value <= TimeSpan.Zero)
            failures.Add($"{Section}:{setting} must be more than zero; got {value}.");
    }

    /// <summary>The variable's value is read here to be checked, never shown: it is a secret even when malformed.</summary>
    internal static string? OrganizationsKeyFailure(OrganizationsKeyOptions options)
    {
        if (string.IsNullOrEmpty(options.EnvironmentVariable)
            || Environment.GetEnvironmentVariable(options.EnvironmentVariable) is not { Length: > 0 } value
            || OrganizationsKey.IsWellFormed(value))
            return null;
        return $"Environment variable {options.EnvironmentVariable} (named by {Section}:OrganizationsKey:EnvironmentVariable) does not hold a valid organizations key: "
               + "it must be 'org_' followed by 43 ASCII letters or digits (e.g. generated with: python -c \"import string, secrets; a=string.ascii_letters+string.digits; print('org_'+''.join(secrets.choice(a) for i in range(43)))\").";
    }

    internal static string? ConfiguredKeyFailure(ConfiguredKey key, string setting)
    {
        if (string.IsNullOrWhiteSpace(key.Name))
            return $"{setting}:Name is required.";
        try
        {
            _ = KeyHash.FromHex(key.Sha256 ?? "");
        }
        catch (FormatException)
        {
            return $"{setting}:Sha256 must be the SHA-256 of the key as 64 hex digits (printf %s \"$KEY\" | sha256sum), never the key itself.";
        }
        try
        {
            _ = ApiKeyService.ValidatePermissions(key.Permissions, known: null);
        }
        catch (ArgumentException ex)
        {
            return $"{setting}:Permissions: {ex.Message}";
        }
        return null;
    }
}
