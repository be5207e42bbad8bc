using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// The limiter as it was before issue 16.7 / 17.7 (main at 1345ae2, verbatim apart from its name), kept only so the
/// address-flood benchmark measures before and after in one run. Per-key (and per client address, for failed attempts) fixed one-minute windows, each a
/// <see cref="FixedWindowRateLimiter"/> from System.Threading.RateLimiting. Windows roll over on
/// <see cref="TimeProvider"/>'s clock (a fresh limiter per window) rather than the limiter's own timer, so
/// windows, <c>X-RateLimit-Reset</c> and tests agree on one clock.
/// </summary>
internal sealed class LegacyKeyRateLimiter(TimeProvider time, IOptions<DeclarativeAuthOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly KeyRateLimitOptions _options = options.Value.RateLimits;

    public bool Enabled => _options.Enabled;

    public int DefaultLimit => _options.RequestsPerMinute;

    public int FailedAttemptsLimit => _options.FailedAttemptsPerMinute;

    private long _lastFailureTicks = long.MinValue;

    /// <summary>Records that a client failed to authenticate now.</summary>
    public void NoteFailure() => Volatile.Write(ref _lastFailureTicks, time.GetUtcNow().UtcTicks);

    /// <summary>True when some client failed within the last window, i.e. a client partition may be exhausted.</summary>
    public bool HadFailuresRecently
    {
        get
        {
            var last = Volatile.Read(ref _lastFailureTicks);
            return last != long.MinValue && time.GetUtcNow().UtcTicks - last < Window.Ticks;
        }
    }

    public readonly record struct Decision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

    /// <summary>Takes one request from <paramref name="partition"/>'s window of <paramref name="limit"/>.</summary>
    public Decision Acquire(string partition, int limit)
    {
        var bucket = Current(partition, limit);
        using var lease = bucket.Limiter.AttemptAcquire(1);
        return Describe(bucket, lease.IsAcquired);
    }

    /// <summary>
    /// Benchmark set-up only (not in the original): adds a live bucket without <c>Acquire</c>'s prune, which would
    /// make filling 200,000 addresses quadratic.
    /// </summary>
    public void Seed(string partition, int limit) => _buckets[partition] = new Bucket(limit, time.GetUtcNow() + Window);

    /// <summary>True when <paramref name="partition"/> has no permits left in its current window.</summary>
    public bool IsExhausted(string partition, int limit, out Decision decision)
    {
        decision = default;
        if (!_buckets.TryGetValue(partition, out _))
            return false;
        var bucket = Current(partition, limit);
        decision = Describe(bucket, allowed: false);
        return bucket.Limiter.GetStatistics()?.CurrentAvailablePermits == 0;
    }

    private Bucket Current(string partition, int limit)
    {
        var now = time.GetUtcNow();
        var bucket = _buckets.GetOrAdd(partition, static (_, s) => new Bucket(s.limit, s.now + Window), (limit, now));
        // A new window is a new limiter: FixedWindowRateLimiter's own replenishment reads the machine clock,
        // which would disagree with TimeProvider (and with X-RateLimit-Reset).
        while (now >= bucket.ResetAt || bucket.Limit != limit)
        {
            var fresh = new Bucket(limit, now + Window);
            if (_buckets.TryUpdate(partition, fresh, bucket))
            {
                bucket.Limiter.Dispose();
                bucket = fresh;
                break;
            }
            bucket = _buckets.GetOrAdd(partition, fresh);
        }
        if (_buckets.Count > 100_000)
            Prune(now);
        return bucket;
    }

    private Decision Describe(Bucket bucket, bool allowed)
    {
        var remaining = (int)(bucket.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
        var resetAt = bucket.ResetAt;
        var retryAfter = (int)Math.Max(1, Math.Ceiling((resetAt - time.GetUtcNow()).TotalSeconds));
        return new Decision(allowed, bucket.Limit, remaining, resetAt.ToUnixTimeSeconds(), retryAfter);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.ResetAt < now)
                _buckets.TryRemove(key, out _);
        }
    }

    private sealed class Bucket(int limit, DateTimeOffset resetAt)
    {
        public int Limit { get; } = limit;
        public DateTimeOffset ResetAt { get; } = resetAt;
        public FixedWindowRateLimiter Limiter { get; } = new(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }
}
