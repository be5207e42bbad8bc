using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// Start-up with 2,000 endpoints: each run is a fresh process timing host build → first request answered (a valid
/// key on one endpoint), with our auth and the generated-style table registered, and without auth; alternated,
/// medians. With ours, the state's own timings split its start-up work (cold, the first run in the process) from
/// reading the endpoints (ASP.NET Core's build of them); the same work is repeated warm in-process.
/// </summary>
public static class StartupBenchmark
{
    public const int Endpoints = 2000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "one")
            return await OneAsync(args[1]);

        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
        var times = new Dictionary<string, List<double>> { ["on"] = [], ["off"] = [] };
        var init = new List<double>();
        var cold = new List<double>();
        var aspnet = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            foreach (var mode in new[] { "off", "on" })
            {
                var (file, prefix) = EndToEnd.Self();
                var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true };
                foreach (var a in prefix.Concat(["startup", "one", mode]))
                    start.ArgumentList.Add(a);
                using var child = Process.Start(start)!;
                var output = await child.StandardOutput.ReadToEndAsync();
                await child.WaitForExitAsync();
                var line = output.Split('\n').First(l => l.StartsWith("STARTUP ", StringComparison.Ordinal)).Split(' ');
                times[mode].Add(double.Parse(line[1], CultureInfo.InvariantCulture));
                if (mode == "on")
                {
                    init.Add(double.Parse(line[2], CultureInfo.InvariantCulture));
                    cold.Add(double.Parse(line[3], CultureInfo.InvariantCulture));
                }
                if (mode == "on")
                    aspnet.Add(double.Parse(line[4], CultureInfo.InvariantCulture));
                Console.WriteLine($"startup round {i + 1} {mode}: {line[1]} ms to first answer ({line[5]} ms to started); ASP.NET endpoint build read by ours {line[4]} ms; ours cold {line[3]} ms, warm {line[2]} ms");
            }
        }
        static double Median(List<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
        var on = Median(times["on"]);
        var off = Median(times["off"]);
        Summary.Row("startup", $"host build -> first answer, {Endpoints} endpoints, no auth", Summary.F(off, "0") + " ms");
        Summary.Row("startup", $"host build -> first answer, {Endpoints} endpoints, ours + table", Summary.F(on, "0") + " ms");
        Summary.Row("startup", "context: ASP.NET Core building the 2,000 endpoints (when ours reads them; without us routing does, at the first request)", Summary.F(Median(aspnet), "0") + " ms");
        Summary.Row("startup", "difference of medians on - off", Summary.F(on - off, "0") + " ms");
        Summary.Row("startup", $"ours at start-up: table + catalog + {Endpoints} policies + report, cold process", Summary.F(Median(cold), "0.0") + " ms", "<= 50 ms", Summary.Met(Median(cold) <= 50));
        Summary.Row("startup", $"same, warm (rebuilt in-process)", Summary.F(Median(init), "0.00") + " ms");
        return 0;
    }

    private static async Task<int> OneAsync(string mode)
    {
        var key = new Keys().Valid;
        var port = EndToEnd.FreePort();
        var watch = Stopwatch.StartNew();
        if (mode == "on")
            AuthManifestRegistry.Register(Table());
        await using var app = EndToEnd.BuildApp(mode, port, key, Endpoints);
        // The real sequence, nothing built ahead: with our auth, start-up reads the endpoints (ASP.NET Core builds
        // them then, once, shared with routing); without, routing builds them on the first request.
        await app.StartAsync();
        var startedMs = watch.Elapsed.TotalMilliseconds;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/r1999/7");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        // The key holds read:monitors, not s49: ours answers 403 (after the whole check); no auth answers 200.
        var expected = mode == "on" ? System.Net.HttpStatusCode.Forbidden : System.Net.HttpStatusCode.OK;
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"startup {mode}: expected {expected}, got {response.StatusCode}.");

        double coldMs = 0, readMs = 0, warmMs = 0;
        if (mode == "on")
        {
            var state = app.Services.GetRequiredService<DeclarativeAuthState>();
            (readMs, coldMs) = (state.InitializeTimes.ReadEndpoints.TotalMilliseconds, state.InitializeTimes.Own.TotalMilliseconds);
            var samples = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var again = ActivatorUtilities.CreateInstance<DeclarativeAuthState>(app.Services);
                again.Initialize();
                samples.Add(again.InitializeTimes.Own.TotalMilliseconds);
            }
            warmMs = samples.Order().ElementAt(samples.Count / 2);
        }
        await app.StopAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"STARTUP {elapsed:0.0} {warmMs:0.000} {coldMs:0.0} {readMs:0.0} {startedMs:0.0}"));
        return 0;
    }

    /// <summary>What the generator writes for these endpoints: the catalog and one row per endpoint.</summary>
    private static AuthManifest Table()
    {
        var permissions = Enumerable.Range(0, 50).Select(i => "read:s" + i.ToString(CultureInfo.InvariantCulture)).Append(Keys.Permission).Order(StringComparer.Ordinal).ToArray();
        // The text form the generator writes, so start-up pays for reading it as an app does.
        var table = Rules.ManifestText.Begin();
        for (var i = 0; i < Endpoints; i++)
        {
            Rules.ManifestText.Append(table, ["GET"], i == 0 ? "/monitors" : $"/r{i}/{{id}}",
                [i == 0 ? Keys.Permission : "read:s" + (i % 50).ToString(CultureInfo.InvariantCulture)], "Key", "lambda", "Program.cs", i + 1, 0);
        }
        return new AuthManifest("Declarative.Auth.Benchmarks", permissions, table.ToString());
    }
}
