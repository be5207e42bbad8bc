using System.Diagnostics;

namespace Declarative.Auth.Sample.Tests;

/// <summary>
/// Issue 17.4, as an operator sees it: the sample started as a real process with a bad setting stops with one line
/// naming the setting and a non-zero exit code — no stack trace, no exit 134 (the runtime's unhandled-exception abort).
/// </summary>
public sealed class BadSettingStartupTests
{
    private static async Task<(int Exit, string Out, string Err)> RunSample(params (string Name, string Value)[] environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Declarative.Auth.Sample.dll");
        var dir = Directory.CreateTempSubdirectory("dauth-badsetting-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        start.Environment["KeysDb"] = Path.Combine(dir, "keys.db");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("the sample kept running with a bad setting: " + await stdout);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_malformed_organizations_key_stops_start_up_with_one_line_naming_the_variable()
    {
        const string Malformed = "org_not-a-valid-key";
        var (exit, stdout, stderr) = await RunSample(
            ("DeclarativeAuth__OrganizationsKey__EnvironmentVariable", "SAMPLE_ORGANIZATIONS_KEY"),
            ("SAMPLE_ORGANIZATIONS_KEY", Malformed));

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Declarative.Auth cannot start: Environment variable SAMPLE_ORGANIZATIONS_KEY", line);
        Assert.DoesNotContain(Malformed, stderr + stdout);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task A_bad_rate_limit_stops_start_up_with_one_line_naming_the_setting()
    {
        var (exit, stdout, stderr) = await RunSample(("DeclarativeAuth__RateLimits__RequestsPerMinute", "0"));

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("DeclarativeAuth:RateLimits:RequestsPerMinute must be at least 1", line);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }
}
