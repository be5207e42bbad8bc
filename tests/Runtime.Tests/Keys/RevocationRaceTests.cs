using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Declarative.Auth.Tests.Keys;

public sealed class RevocationRaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_concurrent_requests_no_request_sent_after_revoke_returns_succeeds()
    {
        // The in-memory store behind the caching decorator, as a database store would be.
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            options: o => o.RateLimits.Enabled = false, // 429s must not stand in for revocation
            builder: b => new DeclarativeAuthBuilder(b.Services).UseStore(sp => sp.GetRequiredService<InMemoryApiKeyStore>(), cache: true));
        Assert.IsType<CachingApiKeyStore>(app.App.Services.GetRequiredService<IApiKeyStore>());

        var created = await app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "hot", Permissions = ["read:events"] });
        var client = app.Client(created.Secret);
        var revoked = 0;
        int okBefore = 0, okAfter = 0, refusedAfter = 0;
        using var stop = new CancellationTokenSource();

        async Task Hammer()
        {
            while (!stop.IsCancellationRequested)
            {
                var sentAfterRevoke = Volatile.Read(ref revoked) == 1;
                var response = await client.GetAsync("/x");
                if (response.StatusCode == HttpStatusCode.OK)
                    Interlocked.Increment(ref sentAfterRevoke ? ref okAfter : ref okBefore);
                else if (sentAfterRevoke)
                    Interlocked.Increment(ref refusedAfter);
            }
        }

        var probe = await client.GetAsync("/x");
        Assert.True(probe.StatusCode == HttpStatusCode.OK, await probe.Content.ReadAsStringAsync());
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(Hammer)).ToArray();
        // Revoke mid-stream: once the key has demonstrably been working (bounded wait, for slow CI machines).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref okBefore) < 50 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        await app.Keys.RevokeAsync(created.Key.Id);
        Volatile.Write(ref revoked, 1);
        // Until requests sent after the revoke have come back (bounded: a busy CI machine once answered none in 300 ms).
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref refusedAfter) + Volatile.Read(ref okAfter) < 50 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        stop.Cancel();
        await Task.WhenAll(clients);

        output.WriteLine($"200 before revoke: {okBefore}; after revoke: {okAfter} succeeded, {refusedAfter} refused");
        Assert.True(okBefore > 0, "the key worked before the revoke");
        Assert.True(refusedAfter > 0, "requests were sent after the revoke");
        Assert.Equal(0, okAfter);
    }
}
