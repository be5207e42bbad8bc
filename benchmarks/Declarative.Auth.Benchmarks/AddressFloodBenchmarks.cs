using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// Issue 16.7: what one failed request costs the failed-attempt guard while <see cref="Addresses"/> client addresses
/// have live buckets, cycling through them as a flood from that many addresses would. Per request the middleware
/// asks <c>IsExhausted</c> (it has seen failures lately), then <c>NoteFailure</c> + <c>Acquire</c>. The partition strings
/// are built beforehand (the middleware builds one per failed request either way). The clock is frozen, so every
/// bucket stays live. "before" is the limiter of main at 1345ae2.
/// </summary>
[MemoryDiagnoser]
public class AddressFloodBenchmarks
{
    private string[] _partitions = [];
    private int _next;
    private KeyRateLimiter _bounded = null!;
    private LegacyKeyRateLimiter _before = null!;

    [Params(10_000, 200_000)]
    public int Addresses { get; set; }

    [Params("bounded", "before")]
    public string Limiter { get; set; } = "bounded";

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new DeclarativeAuthOptions());
        _partitions = Enumerable.Range(0, Addresses).Select(Partition).ToArray();
        if (Limiter == "bounded")
        {
            _bounded = new KeyRateLimiter(Frozen.Instance, options);
            foreach (var p in _partitions)
                _bounded.Acquire(p, 30);
        }
        else
        {
            _before = new LegacyKeyRateLimiter(Frozen.Instance, options);
            foreach (var p in _partitions)
                _before.Seed(p, 30);
        }
    }

    public static string Partition(int i) => string.Create(CultureInfo.InvariantCulture, $"ip|10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");

    [Benchmark]
    public bool FailedRequest()
    {
        var partition = _partitions[_next];
        _next = _next + 1 == _partitions.Length ? 0 : _next + 1;
        if (Limiter == "bounded")
        {
            if (_bounded.IsExhausted(partition, 30, out _))
                return false;
            _bounded.NoteFailure();
            return _bounded.Acquire(partition, 30).Allowed;
        }
        if (_before.IsExhausted(partition, 30, out _))
            return false;
        _before.NoteFailure();
        return _before.Acquire(partition, 30).Allowed;
    }

    /// <summary>A clock that never moves: no window ends during a run.</summary>
    private sealed class Frozen : TimeProvider
    {
        public static readonly Frozen Instance = new();
        private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>BenchmarkDotNet for the CPU per request; then the memory held by the guard after N addresses.</summary>
    public static int Run(string[] args)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(args.Contains("--long") ? 20 : 8)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200))
            .WithId("short-inproc");
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Environment.GetEnvironmentVariable("BENCH_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "dauth-bdn"));
        var summary = BenchmarkRunner.Run<AddressFloodBenchmarks>(config);
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } stats)
                continue;
            var p = report.BenchmarkCase.Parameters;
            Summary.Row("limits", $"address flood, {p["Limiter"]}: CPU per failed request at {(int)p["Addresses"]:N0} addresses",
                $"{Summary.F(stats.Median, "0")} ns, {report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)} B");
        }
        Memory();
        return 0;
    }

    /// <summary>Bytes the guard holds after one failure from each of N addresses (strings built as the middleware does).</summary>
    public static void Memory()
    {
        var options = Options.Create(new DeclarativeAuthOptions());
        foreach (var (kind, n) in new[] { ("before", 10_000), ("before", 100_000), ("bounded", 10_000), ("bounded", 99_999), ("bounded", 200_000), ("bounded", 1_000_000) })
        {
            var baseline = Settled();
            object held;
            int tracked;
            if (kind == "bounded")
            {
                var limiter = new KeyRateLimiter(Frozen.Instance, options);
                for (var i = 0; i < n; i++)
                    limiter.Acquire(Partition(i), 30);
                (held, tracked) = (limiter, limiter.TrackedClients);
            }
            else
            {
                var limiter = new LegacyKeyRateLimiter(Frozen.Instance, options);
                for (var i = 0; i < n; i++)
                    limiter.Acquire(Partition(i), 30);
                (held, tracked) = (limiter, n);
            }
            var bytes = Settled() - baseline;
            GC.KeepAlive(held);
            Summary.Row("limits", $"address flood, {kind}: memory held after {n:N0} addresses",
                $"{Summary.F(bytes / 1048576.0, "0.0")} MB for {tracked:N0} tracked ({Summary.F((double)bytes / tracked, "0")} B each)",
                kind == "bounded" ? $"bounded ({KeyRateLimiter.DefaultClientCapacity:N0} addresses)" : "");
        }
    }

    private static long Settled()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
