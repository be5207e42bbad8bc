using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>The limiter's own promises: bounded memory under an address flood, exact counts under concurrency.</summary>
public sealed class KeyRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(TestApp.Start);

    private KeyRateLimiter Limiter(int clientCapacity = KeyRateLimiter.DefaultClientCapacity)
        => new(_time, Options.Create(new DeclarativeAuthOptions()), KeyRateLimiter.DefaultKeyCapacity, clientCapacity);

    private static string Address(int i) => KeyRateLimiter.ClientPrefix + $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";

    [Fact]
    public void A_flood_of_new_addresses_within_one_window_never_holds_more_than_the_capacity()
    {
        var limiter = Limiter(clientCapacity: 1_000);
        for (var i = 0; i < 20_000; i++)
        {
            limiter.Acquire(Address(i), 30);
            if (i % 500 == 0)
                Assert.InRange(limiter.TrackedClients, 0, 1_000);
        }
        Assert.InRange(limiter.TrackedClients, 1, 1_000);
    }

    [Fact]
    public void An_address_that_keeps_failing_stays_blocked_through_a_flood_of_other_addresses()
    {
        var limiter = Limiter(clientCapacity: 1_000);
        var attacker = Address(1_000_000);
        for (var i = 0; i < 5; i++)
            limiter.Acquire(attacker, 5);
        for (var i = 0; i < 20_000; i++)
        {
            limiter.Acquire(Address(i), 5);
            if (i % 100 == 0)
                Assert.False(limiter.Acquire(attacker, 5).Allowed); // each use keeps it in the newest generation
        }
        Assert.True(limiter.IsExhausted(attacker, 5, out var decision));
        Assert.Equal(0, decision.Remaining);
    }

    [Fact]
    public void Addresses_unused_for_two_windows_are_forgotten_without_a_scan()
    {
        var limiter = Limiter();
        for (var i = 0; i < 1_000; i++)
            limiter.Acquire(Address(i), 30);
        Assert.Equal(1_000, limiter.TrackedClients);
        _time.Advance(TimeSpan.FromSeconds(61));
        limiter.Acquire(Address(5_000), 30); // the first generation is now the previous one
        _time.Advance(TimeSpan.FromSeconds(61));
        limiter.Acquire(Address(5_001), 30); // ... and is dropped whole
        Assert.InRange(limiter.TrackedClients, 1, 2);
    }

    [Fact]
    public void An_address_flood_never_evicts_a_key_window()
    {
        var limiter = Limiter(clientCapacity: 100);
        for (var i = 0; i < 3; i++)
            Assert.True(limiter.Acquire("key_hot", 3).Allowed);
        for (var i = 0; i < 10_000; i++)
            limiter.Acquire(Address(i), 30);
        Assert.False(limiter.Acquire("key_hot", 3).Allowed);
    }

    [Fact]
    public async Task Concurrent_requests_get_exactly_the_limit()
    {
        var limiter = Limiter();
        var allowed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                if (limiter.Acquire("key_busy", 12_345).Allowed)
                    Interlocked.Increment(ref allowed);
            }
        })));
        Assert.Equal(12_345, allowed);
        _time.Advance(TimeSpan.FromMinutes(1));
        var next = limiter.Acquire("key_busy", 12_345);
        Assert.True(next.Allowed);
        Assert.Equal(12_344, next.Remaining);
    }
}
