using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Declarative.Auth.Sample.Tests;

/// <summary>
/// Issue 18.13: the sample run as a process, as a new user runs it. The first run prints curl lines for the address
/// it actually listens on (here a --urls port), the second the full CLI command for its database, prefix and environment.
/// </summary>
public sealed class FirstRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-firstrun-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("No Declarative.sln above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs the sample until it has printed what it prints at start-up (a line containing <paramref name="until"/>), then stops it.</summary>
    private async Task<string> RunSampleAsync(string url, string until)
    {
        var sample = Path.Combine(RepositoryRoot(), "samples", "Sample");
        var dll = Path.Combine(AppContext.BaseDirectory, "Declarative.Auth.Sample.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sample,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", url, "--KeysDb", Path.Combine(_dir, "keys.db"), "--contentRoot", sample })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var seen = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            if (e.Data.Contains(until, StringComparison.Ordinal))
                seen.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            lock (output)
                Assert.Fail("The sample did not print '" + until + "' within 60 s:\n" + output);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        lock (output)
            return output.ToString();
    }

    [Fact]
    public async Task The_first_run_prints_curl_lines_for_its_real_address_and_the_second_the_full_create_command()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var first = await RunSampleAsync(url, "/v1/workspace");
        Assert.Contains($"curl -i {url}/api/monitors", first, StringComparison.Ordinal);
        Assert.Contains($"{url}/v1/workspace", first, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost:5000", first, StringComparison.Ordinal);
        Assert.Contains("ADMIN_KEY=sample_test_", first, StringComparison.Ordinal);

        var second = await RunSampleAsync(url, "keys create");
        Assert.Contains($"keys create --sqlite {Path.Combine(_dir, "keys.db")} --prefix sample --env test --name", second, StringComparison.Ordinal);
        Assert.DoesNotContain("sample_test_", second, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost:5000", second, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5001", "http://localhost:5001")]
    [InlineData("http://[::]:5002", "http://localhost:5002")]
    [InlineData("http://127.0.0.1:6000", "http://127.0.0.1:6000")]
    public void A_wildcard_listening_address_is_printed_as_localhost(string listening, string printed)
        => Assert.Equal(printed, DemoKeyAddress(listening));

    private static string DemoKeyAddress(string listening)
        => (string)typeof(Program).Assembly.GetType("Declarative.Auth.Sample.DemoKeys")!
            .GetMethod("ListeningAddress", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!
            .Invoke(null, [new[] { listening }])!;
}
