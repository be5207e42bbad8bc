using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Declarative.Auth.Console.Tests;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver, with a fresh profile, a collector of script errors
/// installed before any page script runs, and screenshots saved to <c>artifacts/screenshots/</c>.
/// </summary>
internal sealed class Browser : IDisposable
{
    // Runs in every document before its own scripts: uncaught errors, rejected promises and console.error calls.
    private const string ErrorCollector = """
        window.__dauthErrors = [];
        window.addEventListener('error', e => window.__dauthErrors.push('error: ' + e.message));
        window.addEventListener('unhandledrejection', e => window.__dauthErrors.push('unhandled rejection: ' + (e.reason && e.reason.message || e.reason)));
        (() => {
          const original = console.error;
          console.error = function () { window.__dauthErrors.push('console.error: ' + Array.from(arguments).join(' ')); return original.apply(console, arguments); };
        })();
        """;

    private readonly string _profile = Directory.CreateTempSubdirectory("dauth-chromium-").FullName;

    public Browser(int width = 1280, int height = 900)
    {
        if (!ChromiumFactAttribute.IsInstalled)
            throw new InvalidOperationException($"Browser tests need {ChromiumFactAttribute.ChromiumPath} and {ChromiumFactAttribute.DriverPath}: apt-get install chromium chromium-driver (.ci/run does).");
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.ChromiumPath };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            $"--user-data-dir={_profile}", $"--window-size={width},{height}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        // An explicit driver path: Selenium Manager never runs, nothing is downloaded.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.DriverPath)!, Path.GetFileName(ChromiumFactAttribute.DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = ErrorCollector });
        Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = width < 500,
        });
    }

    public ChromeDriver Driver { get; }

    public IWebElement ById(string id) => Driver.FindElement(By.Id(id));

    public string ActiveId() => Driver.SwitchTo().ActiveElement().GetAttribute("id") ?? "";

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    public bool IsOpen(string dialogId) => Script("return document.getElementById(arguments[0]).open", dialogId) is true;

    /// <summary>Polls <paramref name="probe"/> until it gives a value (not null, not false), or fails naming <paramref name="what"/>.</summary>
    public T Until<T>(Func<T?> probe, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (true)
        {
            try
            {
                var value = probe();
                if (value is not null && value is not false)
                    return value;
            }
            catch (WebDriverException ex)
            {
                last = ex;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {seconds}s waiting for {what}. Script errors: [{string.Join("; ", ScriptErrors())}]", last);
            Thread.Sleep(50);
        }
    }

    /// <summary>What the collector caught: uncaught errors, rejected promises, console.error.</summary>
    public IReadOnlyList<string> ScriptErrors()
        => Script("return window.__dauthErrors || []") is IEnumerable<object> errors ? [.. errors.Select(e => e?.ToString() ?? "")] : [];

    /// <summary>Chromium's own console entries at SEVERE (failed loads, CSP violations, script errors).</summary>
    public IReadOnlyList<string> SevereConsoleEntries()
        => [.. Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == LogLevel.Severe).Select(e => e.Message)];

    /// <summary>Saves a PNG of the viewport to artifacts/screenshots/ (gitignored) and returns its path.</summary>
    public string Screenshot(string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Makes the viewport as tall as the page, so a screenshot shows all of it.</summary>
    public void FitHeightToContent(int width, int minHeight)
    {
        var height = Math.Max(minHeight, Convert.ToInt32(Script("return Math.ceil(document.documentElement.scrollHeight)"), System.Globalization.CultureInfo.InvariantCulture));
        Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width, ["height"] = Math.Min(height, 4000), ["deviceScaleFactor"] = 1, ["mobile"] = width < 500,
        });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
                return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    public void Dispose()
    {
        try { Driver.Quit(); } catch (WebDriverException) { }
        Driver.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
