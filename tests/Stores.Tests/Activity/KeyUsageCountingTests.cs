using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Stores.Tests.Activity;

public sealed class KeyUsageCountingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 30, TimeSpan.Zero));
    private readonly DeclarativeAuthOptions _options = new();
    private readonly KeyUsageCounters _counters = new();

    private KeyUsageRecorder Recorder(IKeyUsageStore usage)
        => new(new InMemoryApiKeyStore(_time), _time, Options.Create(_options), NullLogger<KeyUsageRecorder>.Instance, _counters, usage);

    [Fact]
    public async Task Ten_thousand_requests_are_one_store_write_per_flush()
    {
        var store = new InMemoryKeyUsageStore();
        var recorder = Recorder(store);
        Parallel.For(0, 10_000, i =>
        {
            _counters.Request("key_" + (i % 3));
            if (i % 10 == 0)
                _counters.Refused("key_0", AuthErrorCodes.RateLimited);
        });

        await recorder.FlushAsync(CancellationToken.None);
        await recorder.FlushAsync(CancellationToken.None); // nothing new: no write

        Assert.Equal(1, store.Writes);
        var minute = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var key0 = await store.ReadAsync("key_0", KeyUsageSpan.Minute, minute);
        Assert.Equal([new(minute, "", 3334 + 1000), new(minute, "RATE_LIMITED", 1000)], key0);
        Assert.Equal(3333, Assert.Single(await store.ReadAsync("key_1", KeyUsageSpan.Minute, minute)).Count);
    }

    [Fact]
    public async Task Counts_a_failed_write_took_are_carried_by_the_next_flush()
    {
        var store = new FailingOnceUsageStore();
        var recorder = Recorder(store);
        _counters.Request("key_a");
        _counters.Refused("key_a", AuthErrorCodes.Forbidden);

        await recorder.FlushAsync(CancellationToken.None);
        _counters.Request("key_a");
        await recorder.FlushAsync(CancellationToken.None);

        var minute = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal([new(minute, "", 3), new(minute, "FORBIDDEN", 1)], await store.Inner.ReadAsync("key_a", KeyUsageSpan.Minute, minute));
    }

    [Fact]
    public void An_unknown_refusal_code_is_counted_as_other()
    {
        _counters.Refused("key_a", "SOMETHING_NEW");

        Assert.Equal([new("key_a", "", 1), new("key_a", "OTHER", 1)], _counters.Drain());
        Assert.Empty(_counters.Drain());
    }

    [Fact]
    public void Counting_a_known_key_allocates_nothing()
    {
        _counters.Request("key_warm");
        _counters.Refused("key_warm", AuthErrorCodes.Forbidden);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _counters.Request("key_warm");
            _counters.Refused("key_warm", AuthErrorCodes.Forbidden);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Maintenance_keeps_24_hours_of_minutes_and_30_days_of_hours()
    {
        var store = new InMemoryKeyUsageStore();
        var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        await store.AddAsync(start, [new("key_a", "", 1)]);
        var log = new KeyAuditLog(new InMemoryKeyAuditStore(), _time, Options.Create(_options));
        var maintenance = new KeyActivityMaintenance(log, store, _time, Options.Create(_options), NullLogger<KeyActivityMaintenance>.Instance);

        _time.Advance(TimeSpan.FromHours(23));
        await maintenance.RunOnceAsync(CancellationToken.None);
        Assert.Single(await store.ReadAsync("key_a", KeyUsageSpan.Minute, start));

        _time.Advance(TimeSpan.FromHours(2));
        await maintenance.RunOnceAsync(CancellationToken.None);
        Assert.Empty(await store.ReadAsync("key_a", KeyUsageSpan.Minute, start));
        Assert.Single(await store.ReadAsync("key_a", KeyUsageSpan.Hour, start));

        _time.Advance(TimeSpan.FromDays(30));
        await maintenance.RunOnceAsync(CancellationToken.None);
        Assert.Empty(await store.ReadAsync("key_a", KeyUsageSpan.Hour, start));
    }

    private sealed class FailingOnceUsageStore : IKeyUsageStore
    {
        private bool _failed;

        public InMemoryKeyUsageStore Inner { get; } = new();

        public Task AddAsync(DateTimeOffset minute, IReadOnlyList<KeyUsageCount> counts, CancellationToken cancellationToken = default)
        {
            if (_failed)
                return Inner.AddAsync(minute, counts, cancellationToken);
            _failed = true;
            return Task.FromException(new KeyStoreUnavailableException("down"));
        }

        public Task<IReadOnlyList<KeyUsageBucket>> ReadAsync(string keyId, KeyUsageSpan span, DateTimeOffset from, CancellationToken cancellationToken = default)
            => Inner.ReadAsync(keyId, span, from, cancellationToken);

        public Task<int> PurgeAsync(KeyUsageSpan span, DateTimeOffset before, int batch, CancellationToken cancellationToken = default)
            => Inner.PurgeAsync(span, before, batch, cancellationToken);
    }
}
