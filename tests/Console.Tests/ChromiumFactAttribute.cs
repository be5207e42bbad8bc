namespace Declarative.Auth.Console.Tests;

/// <summary>
/// A browser test: runs when Debian's chromium and chromedriver are installed; skipped with a message when they
/// are not, except under <c>CI=true</c>, where a missing browser must fail the run (so it runs and fails).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!IsInstalled && !IsCi)
            Skip = $"Headless Chromium is not installed ({ChromiumPath}, {DriverPath}): apt-get install chromium chromium-driver. Under CI=true this test fails instead.";
    }

    public static bool IsInstalled => File.Exists(ChromiumPath) && File.Exists(DriverPath);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
