using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// Limits across instances (issue 20.2) against an in-memory stand-in for the database (the PostgreSQL test in
/// Stores.Tests runs the same on a real server): local counting, batched reconciliation driven by a fake clock, the
/// overshoot bound, and the fall-back to local limits when the store cannot be reached.
/// </summary>
public sealed class SharedRateLimitTests
{
    private const int Limit = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _time = new(TestApp.Start);

    /// <summary>The database's rows: (partition, window, start) → reserved, each batch applied atomically by the store's rule.</summary>
    internal sealed class Database
    {
        private readonly Dictionary<(string, long, long), long> _rows = [];
        private readonly HashSet<string> _running = [];

        public bool Down { get; set; }

        /// <summary>Instances whose batches never come back (a starved process, a stalled connection).</summary>
        public HashSet<string> Stalled { get; } = [];

        public int Batches { get; private set; }

        public ISharedRateLimitStore For(string instance) => new View(this, instance);

        public List<(string, long, long)> Windows()
        {
            lock (this)
                return [.. _rows.Keys];
        }

        private sealed class View(Database db, string instance) : ISharedRateLimitStore
        {
            public Task<SharedRateAnswer> ReserveAsync(IReadOnlyList<SharedRateRequest> requests, CancellationToken cancellationToken)
            {
                lock (db)
                {
                    if (db.Stalled.Contains(instance))
                        return new TaskCompletionSource<SharedRateAnswer>().Task;
                    if (db.Down)
                        throw new TimeoutException("database down");
                    db.Batches++;
                    db._running.Add(instance);
                    var grants = new List<SharedRateGrant>();
                    foreach (var r in requests)
                    {
                        var key = (r.Partition, r.WindowSeconds, r.WindowStart);
                        var grant = r.Apply(db._rows.GetValueOrDefault(key));
                        db._rows[key] = grant.Reserved;
                        grants.Add(grant);
                    }
                    return Task.FromResult(new SharedRateAnswer(grants, db._running.Count));
                }
            }
        }
    }

    private KeyRateLimiter Limiter(ISharedRateLimitStore store, Action<KeyRateLimitOptions>? configure = null, ILogger? logger = null)
    {
        var options = new DeclarativeAuthOptions();
        options.RateLimits.RequestsPerMinute = Limit;
        options.RateLimits.ReconcileInterval = Interval;
        configure?.Invoke(options.RateLimits);
        return new KeyRateLimiter(_time, Options.Create(options), KeyRateLimiter.DefaultKeyCapacity, KeyRateLimiter.DefaultClientCapacity, store, logger);
    }

    /// <summary>One minute of load: every reconcile interval each instance tries <paramref name="perTick"/> requests.</summary>
    internal static async Task<int> RunWindowAsync(FakeTimeProvider time, IReadOnlyList<KeyRateLimiter> limiters, int perTick, int limit, TimeSpan interval)
    {
        // Start-up: each instance has said it runs (its first batch) before traffic comes.
        for (var round = 0; round < 2; round++)
        {
            foreach (var limiter in limiters)
                await limiter.Shared!.FlushAsync();
        }
        var allowed = 0;
        var ticks = (int)(TimeSpan.FromMinutes(1) / interval);
        for (var tick = 0; tick < ticks; tick++)
        {
            // Interleaved, one request per instance in turn, as a load balancer spreads them.
            for (var r = 0; r < perTick; r++)
            {
                foreach (var limiter in limiters)
                {
                    if (limiter.Acquire("key-1", limit).Allowed)
                        allowed++;
                }
            }
            time.Advance(interval); // each instance's timer fires its batch
            foreach (var limiter in limiters)
                await limiter.Shared!.FlushAsync();
        }
        return allowed;
    }

    [Theory]
    [InlineData(2, 30)] // far over the limit: the first ticks spend it
    [InlineData(2, 1)]  // a trickle: the limit is reached late in the window
    [InlineData(4, 10)]
    public async Task Instances_together_stay_within_the_stated_bound_per_window(int instances, int perTick)
    {
        var db = new Database();
        var limiters = Enumerable.Range(0, instances).Select(i => Limiter(db.For("i" + i))).ToList();
        var allowed = await RunWindowAsync(_time, limiters, perTick, Limit, Interval);
        // The README's bound: limit + instances × chunk (never N × the limit), and not starved either.
        var bound = instances * SharedLease.Chunk(Limit, instances);
        Assert.InRange(allowed, Limit - bound, Limit + bound);
        foreach (var limiter in limiters)
            limiter.Dispose();
    }

    /// <summary>
    /// What made the old protocol overshoot (123 and 131 of 100 on a loaded machine): an instance spent a share the
    /// others could not see until its batch landed, and a starved instance's batch landed late. Here one instance's
    /// batches never land at all; with counts and shares (2fb3fba) this test failed at 150 of 100 with 2 instances and
    /// 127 with 4; with leases the stalled instance has only its first allowance.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task An_instance_whose_batches_never_land_cannot_take_the_limit_past_the_bound(int instances)
    {
        var db = new Database();
        var limiters = Enumerable.Range(0, instances).Select(i => Limiter(db.For("i" + i))).ToList();
        for (var round = 0; round < 2; round++)
        {
            foreach (var limiter in limiters)
                await limiter.Shared!.FlushAsync();
        }
        db.Stalled.Add("i0");
        _ = limiters[0].Shared!.FlushAsync(); // in flight for ever: every later batch of i0 waits behind it
        var allowed = 0;
        for (var tick = 0; tick < 300; tick++)
        {
            for (var r = 0; r < 20; r++)
            {
                foreach (var limiter in limiters)
                    allowed += limiter.Acquire("key-1", Limit).Allowed ? 1 : 0;
            }
            _time.Advance(Interval);
            foreach (var limiter in limiters.Skip(1))
                await limiter.Shared!.FlushAsync();
        }
        Assert.InRange(allowed, Limit - instances * SharedLease.Chunk(Limit, instances), Limit + instances * SharedLease.Chunk(Limit, instances));
        Assert.Equal(SharedLease.Chunk(Limit, instances), limiters[0].KeyWindow("key-1")!.Lease!.Used);
    }

    [Fact]
    public async Task Without_sharing_each_instance_counts_alone_which_is_what_sharing_fixes()
    {
        var db = new Database();
        var limiters = Enumerable.Range(0, 2).Select(i => Limiter(db.For("i" + i), o => o.ShareAcrossInstances = false)).ToList();
        Assert.All(limiters, l => Assert.Null(l.Shared));
        var allowed = 0;
        for (var r = 0; r < 150; r++)
        {
            foreach (var limiter in limiters)
                allowed += limiter.Acquire("key-1", Limit).Allowed ? 1 : 0;
        }
        Assert.Equal(2 * Limit, allowed);
        Assert.Equal(0, db.Batches);
    }

    [Fact]
    public async Task Shared_windows_start_on_the_clock_so_every_instance_counts_the_same_window()
    {
        var db = new Database();
        using var limiter = Limiter(db.For("a"));
        _time.Advance(TimeSpan.FromSeconds(17.3));
        var decision = limiter.Acquire("key-1", Limit);
        Assert.Equal(TestApp.Start.AddMinutes(1).ToUnixTimeSeconds(), decision.ResetUnixSeconds);
        await limiter.Shared!.FlushAsync();
        Assert.Equal([("key-1", 60L, TestApp.Start.ToUnixTimeSeconds())], db.Windows());
    }

    [Fact]
    public async Task While_the_store_is_unreachable_each_instance_limits_alone_never_unlimited_and_says_so_once()
    {
        var db = new Database { Down = true };
        var logs = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var limiter = Limiter(db.For("a"), logger: loggers.CreateLogger("limits"));
        var allowed = 0;
        for (var tick = 0; tick < 20; tick++)
        {
            for (var r = 0; r < 20; r++)
                allowed += limiter.Acquire("key-1", Limit).Allowed ? 1 : 0;
            _time.Advance(Interval);
            await limiter.Shared!.FlushAsync();
        }
        Assert.Equal(Limit, allowed); // the whole limit, locally: not less (no share without answers), not more
        Assert.True(limiter.Shared!.Unreachable);
        var warnings = logs.GetSnapshot().Where(l => l.Level == LogLevel.Warning).ToList();
        Assert.Single(warnings);
        Assert.Contains("each instance limits keys on its own", warnings[0].Message);

        // Back: the counts made meanwhile reach the database, and the recovery is logged.
        db.Down = false;
        _time.Advance(Interval);
        await limiter.Shared.FlushAsync();
        Assert.False(limiter.Shared.Unreachable);
        Assert.Contains(logs.GetSnapshot(), l => l.Level == LogLevel.Information && l.Message.Contains("reconcile again"));
        using var other = Limiter(db.For("b"));
        other.Acquire("key-1", Limit);
        await other.Shared!.FlushAsync();
        Assert.False(other.Acquire("key-1", Limit).Allowed); // b learnt that a spent the window while the store was down
    }
}
