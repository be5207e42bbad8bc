using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// <c>verify</c> (BenchmarkDotNet: ours vs conventional vs no auth), <c>e2e</c> (Kestrel + wrk), <c>build</c>
/// (generator and analyzers over 2,000 endpoints), <c>startup</c> (host build to first answer, 2,000 endpoints),
/// <c>serve &lt;on|off|conventional&gt; &lt;port&gt;</c> (the end-to-end app alone). Each mode adds rows to the
/// summary file ($BENCH_SUMMARY).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "verify";
        switch (mode)
        {
            case "verify":
                RunVerify(args.Skip(1).ToArray());
                return 0;
            case "ab": // two builds in one process, interleaved: ab <dirA> <dirB> [methods] [rounds] (benchmarks/ab.sh)
                return AbComparison.Run(args.Skip(1).ToArray());
            case "check": // the set-up and sanity checks of the verify benchmarks, without BenchmarkDotNet
            {
                var bench = new VerifyBenchmarks();
                bench.Setup();
                Console.WriteLine("verify set-up: every case decides as expected");
                // Bytes per call after warm-up (what BenchmarkDotNet's MemoryDiagnoser reports): a valid key allocates nothing.
                var valid = BytesPerCall(bench.MiddlewareValid);
                Console.WriteLine(FormattableString.Invariant($"allocated per call: valid {valid:0.#} B, rate limited {BytesPerCall(bench.MiddlewareValidLimited):0.#} B, endpoint's own limits {BytesPerCall(bench.MiddlewareValidEndpointLimited):0.#} B"));
                return valid == 0 ? 0 : 1;
            }
            case "e2e":
                return await EndToEnd.RunAsync(args.Skip(1).ToArray());
            case "limits": // issue 16.7: the failed-attempt guard under an address flood, CPU and memory
                return AddressFloodBenchmarks.Run(args.Skip(1).ToArray());
            case "flood": // issue 16.16: a legitimate client next to unknown-key vs valid-key floods, SQLite store: flood [seconds] [rounds]
                return await FloodBenchmark.RunAsync(args.Skip(1).ToArray());
            case "serve-flood":
                await FloodBenchmark.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
                return 0;
            case "limits-memory":
                AddressFloodBenchmarks.Memory();
                return 0;
            case "serve":
                await EndToEnd.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            case "build":
                return await BuildBenchmark.RunAsync(args.Skip(1).ToArray());
            case "ab-build": // two builds' generator + analyzers in one process, alternating: ab-build <dirA> <dirB> [rounds] (benchmarks/ab-build.sh)
                return await AbBuild.RunAsync(args.Skip(1).ToArray());
            case "analyzer-passes": // one build's analyzers only, after the SDK's, to trace: analyzer-passes <dir> [passes] (benchmarks/profile-analyzers.sh)
                return await AnalyzerPasses.RunAsync(args.Skip(1).ToArray());
            case "startup":
                return await StartupBenchmark.RunAsync(args.Skip(1).ToArray());
            case "loop": // the middleware's valid-key case in a loop, to profile: loop [millions]
            {
                var bench = new VerifyBenchmarks();
                bench.Setup();
                var n = (args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5) * 1_000_000;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                    bench.MiddlewareValid();
                Console.WriteLine($"{watch.Elapsed.TotalNanoseconds / n:0} ns per valid request through the middleware");
                return 0;
            }
            case "key": // a well-formed test key for 'serve' (DAUTH_BENCH_KEY)
                Console.WriteLine(new Keys().Valid);
                return 0;
            case "profile":
                return ProfileReport.Run(args.Skip(1).ToArray());
            default:
                Console.Error.WriteLine("usage: verify [--long] | e2e [seconds] | build | startup | serve <on|off|conventional> <port>");
                return 2;
        }
    }

    private static double BytesPerCall(Func<int> call)
    {
        // Long enough for tiered compilation to settle (its first tiers allocate, e.g. while counting calls).
        for (var i = 0; i < 200_000; i++)
            call();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
            call();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0;
    }

    private static void RunVerify(string[] args)
    {
        // In-process (no extra project build: the machine is shared and builds are slow); short but not tiny.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(args.Contains("--long") ? 10 : 4)
            .WithIterationCount(args.Contains("--long") ? 30 : 12)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(args.Contains("--long") ? 250 : 120))
            .WithId("short-inproc");
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Environment.GetEnvironmentVariable("BENCH_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "dauth-bdn"));
        // VERIFY_FILTER=MiddlewareValid,MiddlewareLacking: only those methods (a quick comparison of candidates).
        if (Environment.GetEnvironmentVariable("VERIFY_FILTER") is { Length: > 0 } only)
            config = config.AddFilter(new BenchmarkDotNet.Filters.NameFilter(name => only.Split(',').Contains(name)));
        var summary = BenchmarkRunner.Run<VerifyBenchmarks>(config);
        Report(summary);
    }

    private static void Report(BenchmarkDotNet.Reports.Summary summary)
    {
        var rows = new Dictionary<string, (double MedianNs, long Bytes)>(StringComparer.Ordinal);
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } stats)
                continue;
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
            rows[name] = (stats.Median, bytes);
        }
        string Cell(string method) => rows.TryGetValue(method, out var r) ? $"{Summary.F(r.MedianNs)} ns, {r.Bytes} B" : "n/a";
        double Ns(string method) => rows.TryGetValue(method, out var r) ? r.MedianNs : double.NaN;
        long B(string method) => rows.TryGetValue(method, out var r) ? r.Bytes : -1;

        Summary.Row("verify", "valid key + permission (function)", Cell("VerifyValid"), "<= 500 ns, 0 B", Summary.Met(Ns("VerifyValid") <= 500 && B("VerifyValid") == 0));
        Summary.Row("verify", "bad checksum (function)", Cell("VerifyBadChecksum"), "<= 100 ns, 0 B", Summary.Met(Ns("VerifyBadChecksum") <= 100 && B("VerifyBadChecksum") == 0));
        Summary.Row("verify", "unknown key (function)", Cell("VerifyUnknown"));
        Summary.Row("verify", "lacks permission (function)", Cell("VerifyLacking"));
        Summary.Row("verify", "floor: SHA256.HashData 39 B (one-shot)", Cell("Sha256Floor"));
        Summary.Row("verify", "floor: KeyHash of the key (what both sides pay)", Cell("KeyHashFloor"));
        Summary.Row("verify", "middleware: valid, header string seen before (keep-alive)", Cell("MiddlewareValid"), "<= 500 ns, 0 B", Summary.Met(Ns("MiddlewareValid") <= 500 && B("MiddlewareValid") == 0));
        Summary.Row("verify", "middleware: valid, header first seen (pays the hash)", Cell("MiddlewareValidFirstSeen"), "<= 500 ns, 0 B", Summary.Met(Ns("MiddlewareValidFirstSeen") <= 500 && B("MiddlewareValidFirstSeen") == 0));
        Summary.Row("verify", "middleware: valid, handler reads HttpContext.User", Cell("MiddlewareValidReadsUser"));
        Summary.Row("verify", "middleware: bad checksum (401 body)", Cell("MiddlewareBadChecksum"));
        Summary.Row("verify", "middleware: unknown key (401 body)", Cell("MiddlewareUnknown"));
        Summary.Row("verify", "middleware: lacks permission (403 body)", Cell("MiddlewareLacking"));
        Summary.Row("verify", "middleware: valid, rate limited (headers written)", Cell("MiddlewareValidLimited"));
        Summary.Row("verify", "middleware: valid, rate limited, shared across instances", Cell("MiddlewareValidShared"));
        Summary.Row("verify", "middleware: valid, rate limited, two endpoint limits", Cell("MiddlewareValidEndpointLimited"));
        Summary.Row("verify", "middleware: lacks permission, via IProblemDetailsService (403 body)", Cell("MiddlewareLackingProblemDetails"));
        Summary.Row("baseline", "conventional: valid", Cell("ConventionalValid"));
        Summary.Row("baseline", "conventional: bad checksum", Cell("ConventionalBadChecksum"));
        Summary.Row("baseline", "conventional: unknown key", Cell("ConventionalUnknown"));
        Summary.Row("baseline", "conventional: lacks permission", Cell("ConventionalLacking"));
        Summary.Row("baseline", "no auth (empty pipeline)", Cell("NoAuth"));
        var ratio = Ns("ConventionalValid") / Ns("MiddlewareValid");
        Summary.Row("ratio", "conventional / ours middleware, valid key seen before", Summary.F(ratio, "0.0") + "x", ">= 5x", Summary.Met(ratio >= 5));
        var firstSeen = Ns("ConventionalValid") / Ns("MiddlewareValidFirstSeen");
        Summary.Row("ratio", "conventional / ours middleware, valid key first seen", Summary.F(firstSeen, "0.0") + "x", ">= 5x", Summary.Met(firstSeen >= 5));
        // Both pay one SHA-256 of the key there; what remains is what each design adds on top of it.
        var sha = Ns("KeyHashFloor");
        Summary.Row("ratio", "same, first seen, each minus the KeyHash both pay", Summary.F((Ns("ConventionalValid") - sha) / (Ns("MiddlewareValidFirstSeen") - sha), "0.0") + "x");
        Summary.Row("ratio", "conventional / ours function, valid key", Summary.F(Ns("ConventionalValid") / Ns("VerifyValid"), "0.0") + "x");
        foreach (var (ours, theirs, label) in new[] { ("MiddlewareBadChecksum", "ConventionalBadChecksum", "bad checksum"), ("MiddlewareUnknown", "ConventionalUnknown", "unknown key"), ("MiddlewareLacking", "ConventionalLacking", "lacks permission") })
            Summary.Row("ratio", $"conventional / ours middleware, {label}", Summary.F(Ns(theirs) / Ns(ours), "0.0") + "x");
    }
}
