namespace Declarative.Auth.Console.Tests;

/// <summary>
/// A browser test: runs when Debian's chromium and chromedriver are installed; skipped with a message when they
/// are not, except under <c>CI=true</c>, where a missing browser must fail the run (so it runs and fails).
/// <c>DECLARATIVE_AUTH_CHROMIUM</c> and <c>DECLARATIVE_AUTH_CHROMEDRIVER</c> point elsewhere (and make the skip checkable).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("DECLARATIVE_AUTH_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static string DriverPath => Environment.GetEnvironmentVariable("DECLARATIVE_AUTH_CHROMEDRIVER") is { Length: > 0 } p ? p : "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!IsInstalled && !IsCi)
            Skip = $"Headless Chromium is not installed ({ChromiumPath}, {DriverPath}): apt-get install chromium chromium-driver. Under CI=true this test fails instead.";
    }

    public static bool IsInstalled => File.Exists(ChromiumPath) && File.Exists(DriverPath);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
