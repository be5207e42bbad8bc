using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// A minimal app on Kestrel (127.0.0.1, a free port) in a child process — auth off, ours, or the conventional
/// handler + policy — driven by wrk. Modes are interleaved over rounds and each reports its median, so a burst of
/// load from elsewhere on the machine hits all three alike.
/// </summary>
public static partial class EndToEnd
{
    private const string KeyVariable = "DAUTH_BENCH_KEY";

    public static async Task ServeAsync(string mode, int port)
    {
        var key = Environment.GetEnvironmentVariable(KeyVariable) ?? throw new InvalidOperationException(KeyVariable + " is not set.");
        await using var app = BuildApp(mode, port, key, endpoints: 1);
        await app.RunAsync();
    }

    /// <summary>The app of one mode, with <paramref name="endpoints"/> key endpoints (/monitors, then /r1…).</summary>
    public static WebApplication BuildApp(string mode, int port, string key, int endpoints)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        if (mode is "on" or "on-public")
        {
            builder.Services.AddDeclarativeAuth(o =>
            {
                o.KeyPrefix = Keys.Prefix;
                o.KeyEnvironment = KeyEnvironment.Test;
                o.RateLimits.Enabled = false; // 100/min by default; wrk would measure 429s
            }).UseStore(_ => Seeded(key), cache: true);
        }
        else if (mode == "conventional")
        {
            builder.Services.AddSingleton<IApiKeyStore>(_ => Seeded(key));
            Pipelines.AddConventionalAuth(builder.Services);
        }
        var app = builder.Build();
        if (mode is "on" or "on-public")
            app.UseDeclarativeAuth();
        else if (mode == "conventional")
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.MapGet("/health", () => "ok").AllowAnonymous();
        for (var i = 0; i < endpoints; i++)
        {
            var route = i == 0 ? "/monitors" : $"/r{i}/{{id}}";
            var scope = i == 0 ? "monitors" : "s" + (i % 50).ToString(CultureInfo.InvariantCulture);
            var endpoint = app.MapGet(route, () => "ok");
            if (mode == "on")
                endpoint.RequireKey(KeyType.Read, scope);
            else if (mode == "on-public")
                endpoint.AllowAnonymous(); // our pipeline (routing, CORS, middleware) without the key check
            else if (mode == "conventional")
                endpoint.RequireAuthorization(Keys.Permission);
        }
        return app;
    }

    private static InMemoryApiKeyStore Seeded(string key)
    {
        var store = new InMemoryApiKeyStore();
        store.Add("bench", key, [Keys.Permission]);
        return store;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var key = new Keys().Valid;
        // "on-public" (optional): our pipeline with the endpoint AllowAnonymous, to split pipeline cost from the key check.
        string[] modes = args.Length > 2 ? args[2].Split(',') : ["off", "on", "conventional"];
        var results = modes.ToDictionary(m => m, _ => new List<double>());
        var cpu = modes.ToDictionary(m => m, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in modes)
            {
                var (rps, cpuMicroseconds) = await MeasureAsync(mode, key, seconds);
                Console.WriteLine($"e2e round {round + 1} {mode}: {rps:0} req/s, server CPU {cpuMicroseconds:0.00} us/request");
                results[mode].Add(rps);
                cpu[mode].Add(cpuMicroseconds);
            }
        }
        double Median(List<double> values) { var s = values.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        // Load from elsewhere only ever takes throughput away, so the best round is the least disturbed one;
        // medians are shown too.
        if (results.TryGetValue("on-public", out var pub))
            Summary.Row("e2e", "req/s, ours with the endpoint AllowAnonymous (pipeline only)", $"best {Summary.F(pub.Max(), "0")}, median {Summary.F(Median(pub), "0")} (of {rounds})");
        var off = results["off"].Max();
        var on = results["on"].Max();
        var conventional = results["conventional"].Max();
        string Both(string mode) => $"best {Summary.F(results[mode].Max(), "0")}, median {Summary.F(Median(results[mode]), "0")} (of {rounds})";
        Summary.Row("e2e", "req/s, no auth", Both("off"));
        Summary.Row("e2e", "req/s, ours", Both("on"));
        Summary.Row("e2e", "req/s, conventional", Both("conventional"));
        Summary.Row("ratio", "e2e ours / no auth (best rounds)", Summary.F(on / off, "0.000") + $" (medians {Summary.F(Median(results["on"]) / Median(results["off"]), "0.000")})", ">= 0.95", Summary.Met(on / off >= 0.95));
        Summary.Row("ratio", "e2e conventional / no auth (best rounds)", Summary.F(conventional / off, "0.000") + $" (medians {Summary.F(Median(results["conventional"]) / Median(results["off"]), "0.000")})");
        Summary.Row("ratio", "e2e ours / conventional (best rounds)", Summary.F(on / conventional, "0.00") + "x");
        // wrk and the server share the two cores, so req/s also moves with how wrk is scheduled. The server's own CPU
        // time per answered request (user + system, from the child process) does not: the auth's cost is the difference.
        static double Spread(List<double> values) => values.Max() - values.Min();
        string Cpu(string mode) => Summary.F(Median(cpu[mode]), "0.00") + " us";
        var addedOurs = Median(cpu["on"]) - Median(cpu["off"]);
        var addedConventional = Median(cpu["conventional"]) - Median(cpu["off"]);
        Summary.Row("e2e", "server CPU per request, medians: no auth / ours / conventional", $"{Cpu("off")} / {Cpu("on")} / {Cpu("conventional")}");
        Summary.Row("ratio", "server CPU per request: no auth / ours", Summary.F(Median(cpu["off"]) / Median(cpu["on"]), "0.000") + $" (ours adds {Summary.F(addedOurs, "0.00")} us, conventional {Summary.F(addedConventional, "0.00")} us; rounds of one mode vary by {Summary.F(Spread(cpu["off"]), "0.0")} us)", ">= 0.95", Summary.Met(Median(cpu["off"]) / Median(cpu["on"]) >= 0.95));
        return 0;
    }

    private static async Task<(double RequestsPerSecond, double CpuMicrosecondsPerRequest)> MeasureAsync(string mode, string key, int seconds)
    {
        var port = FreePort();
        var (file, prefix) = Self();
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in prefix.Concat(["serve", mode, port.ToString(CultureInfo.InvariantCulture)]))
            start.ArgumentList.Add(a);
        start.Environment[KeyVariable] = key;
        start.Environment["DOTNET_gcServer"] = "0";
        using var server = Process.Start(start)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode)
                        break;
                }
                catch (HttpRequestException) { }
                if (server.HasExited || ready.Elapsed > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException($"The {mode} server did not start: {await server.StandardError.ReadToEndAsync()}");
                await Task.Delay(50);
            }
            using var check = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/monitors");
            check.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var status = (await http.SendAsync(check)).StatusCode;
            if (status != HttpStatusCode.OK)
                throw new InvalidOperationException($"The {mode} server answered {(int)status} to a valid key.");

            await Wrk(port, key, 1); // warm-up: JIT, tiering, connection set-up
            server.Refresh();
            var cpuBefore = server.TotalProcessorTime;
            var output = await Wrk(port, key, seconds);
            server.Refresh();
            var cpuUsed = server.TotalProcessorTime - cpuBefore;
            if (NonSuccess().Match(output) is { Success: true } bad)
                throw new InvalidOperationException($"{mode}: wrk saw {bad.Groups[1].Value} non-2xx answers.");
            var requests = double.Parse(RequestCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            return (double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
                cpuUsed.TotalMicroseconds / requests);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<string> Wrk(int port, string key, int seconds)
    {
        var start = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t1", "-c32", $"-d{seconds}s", "--timeout", "5s", "-H", "Authorization: Bearer " + key, $"http://127.0.0.1:{port}/monitors" })
            start.ArgumentList.Add(a);
        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0)
            throw new InvalidOperationException("wrk failed: " + await wrk.StandardError.ReadToEndAsync());
        return output;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>How to start this program again: its apphost, or dotnet + the dll.</summary>
    public static (string File, string[] Prefix) Self()
    {
        var process = Environment.ProcessPath!;
        var dll = typeof(EndToEnd).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [dll]) : (process, []);
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
