using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Declarative.Auth.Reliability.Tests;

/// <summary>
/// Many concurrent clients on two instances sharing one SQLite file while keys are created, rotated and revoked
/// on the first. After a revoke returns: zero successes on that instance, and on the other after at most 1 s.
/// </summary>
public sealed class LoadWithRevocationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-load-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private sealed class Tracked(string secret)
    {
        public string Secret { get; } = secret;
        public long RevokedAtTicks = long.MaxValue; // Stopwatch ticks when the revoke (or rotation) returned
    }

    [Fact]
    public async Task After_each_revoke_no_request_succeeds_here_and_none_on_the_other_instance_after_one_second()
    {
        var db = Path.Combine(_dir, "keys.db");
        await using var a = await Host.StartAsync(b => b.UseSqliteStore(db), o => o.RateLimits.Enabled = false);
        await using var b = await Host.StartAsync(b => b.UseSqliteStore(db), o => o.RateLimits.Enabled = false);
        var keys = new ConcurrentDictionary<string, Tracked>();
        var clock = Stopwatch.StartNew();
        long requests = 0, ok = 0, refused = 0, violationsHere = 0, violationsThere = 0, lateButAllowed = 0;
        var firstRefusalOnB = new ConcurrentDictionary<Tracked, double>(); // ms from revoke to B's first refusal
        using var stop = new CancellationTokenSource();

        async Task<int> Call(Host host, string secret)
        {
            var context = await host.Server.SendAsync(ctx =>
            {
                ctx.Request.Method = "GET";
                ctx.Request.Path = "/v1/events";
                ctx.Request.Headers.Authorization = "Bearer " + secret;
            });
            return context.Response.StatusCode;
        }

        async Task Client(int n)
        {
            var random = new Random(n);
            while (!stop.IsCancellationRequested)
            {
                var all = keys.Values.ToArray();
                if (all.Length == 0) { await Task.Delay(5); continue; }
                var key = all[random.Next(all.Length)];
                var onA = n % 2 == 0;
                var sent = clock.ElapsedTicks;
                var status = await Call(onA ? a : b, key.Secret);
                Interlocked.Increment(ref requests);
                var revokedAt = Interlocked.Read(ref key.RevokedAtTicks);
                if (status == 200)
                {
                    Interlocked.Increment(ref ok);
                    if (sent > revokedAt)
                    {
                        var since = TimeSpan.FromTicks((sent - revokedAt) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                        if (onA) Interlocked.Increment(ref violationsHere);
                        else if (since > TimeSpan.FromSeconds(1)) Interlocked.Increment(ref violationsThere);
                        else Interlocked.Increment(ref lateButAllowed);
                    }
                }
                else
                {
                    Interlocked.Increment(ref refused);
                    if (!onA && sent > revokedAt)
                        firstRefusalOnB.AddOrUpdate(key, (sent - revokedAt) * 1000.0 / Stopwatch.Frequency, (_, old) => Math.Min(old, (sent - revokedAt) * 1000.0 / Stopwatch.Frequency));
                }
            }
        }

        var clients = Enumerable.Range(0, 8).Select(i => Task.Run(() => Client(i))).ToArray();
        int created = 0, rotated = 0, revoked = 0;
        var deadline = TimeSpan.FromSeconds(6);
        while (clock.Elapsed < deadline)
        {
            var made = await a.Keys.CreateAsync(new CreateApiKeyRequest { Name = "load", Permissions = ["read:events"] });
            keys[made.Key.Id] = new Tracked(made.Secret);
            created++;
            await Task.Delay(100);
            var active = keys.Where(k => Interlocked.Read(ref k.Value.RevokedAtTicks) == long.MaxValue).Select(k => k.Key).ToArray();
            var victim = active[Random.Shared.Next(active.Length)];
            if (created % 3 == 0)
            {
                var fresh = await a.Keys.RotateAsync(victim);
                Interlocked.Exchange(ref keys[victim].RevokedAtTicks, clock.ElapsedTicks);
                keys[fresh.Key.Id] = new Tracked(fresh.Secret);
                rotated++;
            }
            else if (created % 2 == 0)
            {
                await a.Keys.RevokeAsync(victim);
                Interlocked.Exchange(ref keys[victim].RevokedAtTicks, clock.ElapsedTicks);
                revoked++;
            }
        }
        stop.Cancel();
        await Task.WhenAll(clients);

        var sorted = firstRefusalOnB.Values.Order().ToArray();
        var p = sorted.Length == 0 ? "n/a" : $"revoke → first refusal on B: median {sorted[sorted.Length / 2]:F0} ms, max {sorted[^1]:F0} ms over {sorted.Length} keys";
        var summary = $"{requests} requests ({ok} × 200, {refused} refused) on 2 instances, 8 clients, {created} keys created, {rotated} rotated, {revoked} revoked; " +
                      $"successes after revoke: {violationsHere} on A, {violationsThere} on B past 1 s, {lateButAllowed} on B within 1 s; {p}";
        output.WriteLine(summary);
        Console.WriteLine("[reliability] load with revocation: " + summary);
        Assert.True(requests > 200, summary);
        Assert.True(rotated + revoked > 5, summary);
        Assert.Equal(0, violationsHere);
        Assert.Equal(0, violationsThere);
    }
}
