using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// Issue 16.16, measured as the issue did: a legitimate client's throughput (wrk -c8, its own key) on an app with
/// the SQLite store, alone and next to a flood (wrk -c32) of (a) one other valid key, (b) distinct format-valid
/// unknown keys (a fresh one per request, from a file), (c) distinct keys with a bad checksum. The per-address failure guard is off,
/// as for a flood from many addresses that each stay under it. Server modes: "bounded" (as shipped) and
/// "unbounded" (the store-lookup budget lifted, so every distinct unknown key reaches SQLite, as on main).
/// </summary>
public static partial class FloodBenchmark
{
    private const string FloodKeyVariable = "DAUTH_FLOOD_KEY";
    private const string LegitKeyVariable = "DAUTH_BENCH_KEY";

    public static async Task ServeAsync(string mode, int port, string database)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = Keys.Prefix;
            o.KeyEnvironment = KeyEnvironment.Test;
            o.RateLimits.Enabled = false; // a flood from many addresses, each under its failed-attempt limit
        }).UseSqliteStore(database);
        if (mode == "unbounded")
        {
            builder.Services.AddSingleton<IApiKeyStore>(sp => new CachingApiKeyStore(
                sp.GetRequiredService<Declarative.Auth.Sqlite.SqliteApiKeyStore>(), sp.GetServices<IKeyChangeFeed>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<DeclarativeAuthOptions>>(), new StoreLookupBudget(int.MaxValue, int.MaxValue, TimeProvider.System)));
        }
        await using var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapGet("/health", () => "ok").AllowAnonymous();
        app.MapGet("/monitors", () => "ok").RequireKey(KeyType.Read, "monitors");
        await app.RunAsync();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var keys = new Keys();
        var floodKey = keys.Format.Generate();
        var work = Directory.CreateTempSubdirectory("dauth-flood-");
        var database = Path.Combine(work.FullName, "keys.db");
        var seed = new Declarative.Auth.Sqlite.SqliteApiKeyStore(database);
        await seed.AddAsync(new ApiKey { Id = "key_legit", Name = "legit", Hash = KeyHash.Compute(keys.Valid), Permissions = [Keys.Permission] });
        await seed.AddAsync(new ApiKey { Id = "key_flood", Name = "flood", Hash = KeyHash.Compute(floodKey), Permissions = [Keys.Permission] });
        for (var i = 0; i < 200; i++)
            await seed.AddAsync(new ApiKey { Id = "key_other" + i, Name = "other", Hash = KeyHash.Compute(keys.Format.Generate()), Permissions = ["read:events"] });
        // Every flood goes through the same script (a key per request, read from a file), so wrk spends the same on
        // each and the floods differ only in what the server does with the key.
        var unknownFile = Path.Combine(work.FullName, "unknown.txt");
        await File.WriteAllLinesAsync(unknownFile, Enumerable.Range(0, 600_000).Select(_ => keys.Format.Generate()));
        var validFile = Path.Combine(work.FullName, "valid.txt");
        await File.WriteAllLinesAsync(validFile, [floodKey]);
        var badFile = Path.Combine(work.FullName, "bad.txt");
        await File.WriteAllLinesAsync(badFile, Enumerable.Range(0, 100_000).Select(_ => { var k = keys.Format.Generate(); return k[..^1] + (k[^1] == 'A' ? 'B' : 'A'); }));
        var script = Path.Combine(work.FullName, "unknown.lua");
        await File.WriteAllTextAsync(script, """
            local keys = {}
            for line in io.lines(os.getenv("FLOOD_KEYS")) do keys[#keys + 1] = line end
            local i = 0
            request = function()
              i = i + 1
              if i > #keys then i = 1 end
              return wrk.format("GET", "/monitors", { ["Authorization"] = "Bearer " .. keys[i] })
            end
            """);

        string[] modes = ["bounded", "unbounded"];
        string[] floods = ["none", "valid", "unknown", "bad-checksum"];
        var legit = new Dictionary<(string, string), List<double>>();
        var flood = new Dictionary<(string, string), List<double>>();
        var cpu = new Dictionary<(string, string), List<double>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in modes)
            {
                await using var server = await Server.StartAsync(mode, database, keys.Valid);
                await Wrk(server.Port, keys.Valid, null, 1, 8); // warm-up
                foreach (var kind in floods)
                {
                    if (mode == "unbounded" && kind is "valid" or "bad-checksum")
                        continue; // the budget only acts on unknown keys
                    var flooding = kind switch
                    {
                        "valid" => Wrk(server.Port, null, (script, validFile), seconds, 32),
                        "unknown" => Wrk(server.Port, null, (script, unknownFile), seconds, 32),
                        "bad-checksum" => Wrk(server.Port, null, (script, badFile), seconds, 32),
                        _ => null,
                    };
                    var cpuBefore = server.Cpu();
                    var legitimate = await Wrk(server.Port, keys.Valid, null, seconds, 8);
                    if (legitimate.NonSuccess > 0)
                        throw new InvalidOperationException($"{mode}/{kind}: the legitimate client got {legitimate.NonSuccess} non-2xx answers.");
                    var flooded = flooding is null ? default : await flooding;
                    // Server CPU per answered request (user + system): what a request of the mix costs, whatever
                    // else runs on the machine (req/s moves with how wrk and other load are scheduled).
                    var perRequest = (server.Cpu() - cpuBefore).TotalMicroseconds / (legitimate.Requests + flooded.Requests);
                    CollectionsMarshalGet(cpu, (mode, kind)).Add(perRequest);
                    Console.WriteLine($"flood round {round + 1} {mode} {kind}: legitimate {legitimate.Rps:0} req/s; flood {flooded.Rps:0} req/s ({flooded.NonSuccess} non-2xx of {flooded.Requests}); server CPU {perRequest:0.0} us/request");
                    (CollectionsMarshalGet(legit, (mode, kind))).Add(legitimate.Rps);
                    (CollectionsMarshalGet(flood, (mode, kind))).Add(flooded.Rps);
                }
            }
        }
        static double Median(List<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        foreach (var mode in modes)
        {
            var alone = Median(legit[(mode, "none")]);
            Summary.Row("flood", $"{mode}: legitimate client alone, req/s (median of {rounds})", $"{Summary.F(alone, "0")}; server CPU {Summary.F(Median(cpu[(mode, "none")]), "0.0")} us/request");
            foreach (var kind in floods.Skip(1))
            {
                if (!legit.TryGetValue((mode, kind), out var values))
                    continue;
                Summary.Row("flood", $"{mode}: legitimate client next to a {kind}-key flood", $"{Summary.F(Median(values) / alone, "0.00")} of alone ({Summary.F(Median(values), "0")} req/s; flood {Summary.F(Median(flood[(mode, kind)]), "0")} req/s); server CPU {Summary.F(Median(cpu[(mode, kind)]), "0.0")} us/request of the mix");
            }
        }
        work.Delete(recursive: true);
        return 0;
    }

    private static List<double> CollectionsMarshalGet(Dictionary<(string, string), List<double>> map, (string, string) key)
        => map.TryGetValue(key, out var list) ? list : map[key] = [];

    private readonly record struct WrkResult(double Rps, long Requests, long NonSuccess);

    private static async Task<WrkResult> Wrk(int port, string? key, (string Script, string Keys)? unknown, int seconds, int connections)
    {
        var start = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var args = new List<string> { "-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "5s" };
        if (key is not null)
            args.AddRange(["-H", "Authorization: Bearer " + key]);
        if (unknown is { } u)
        {
            args.AddRange(["-s", u.Script]);
            start.Environment["FLOOD_KEYS"] = u.Keys;
        }
        args.Add($"http://127.0.0.1:{port}/monitors");
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0)
            throw new InvalidOperationException("wrk failed: " + await wrk.StandardError.ReadToEndAsync());
        var nonSuccess = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new(double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(RequestCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture), nonSuccess);
    }

    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;

        private Server(Process process, int port) => (_process, Port) = (process, port);

        public int Port { get; }

        public TimeSpan Cpu()
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }

        public static async Task<Server> StartAsync(string mode, string database, string legitKey)
        {
            var port = EndToEnd.FreePort();
            var (file, prefix) = EndToEnd.Self();
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in prefix.Concat(["serve-flood", mode, port.ToString(CultureInfo.InvariantCulture), database]))
                start.ArgumentList.Add(a);
            start.Environment["DOTNET_gcServer"] = "0";
            var server = new Server(Process.Start(start)!, port);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var check = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/monitors");
                    check.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", legitKey);
                    var status = (await http.SendAsync(check)).StatusCode;
                    if (status == HttpStatusCode.OK)
                        return server;
                    throw new InvalidOperationException($"The {mode} server answered {(int)status} to the legitimate key.");
                }
                catch (HttpRequestException) { }
                if (server._process.HasExited || ready.Elapsed > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException($"The {mode} server did not start: {await server._process.StandardError.ReadToEndAsync()}");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
