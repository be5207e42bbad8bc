using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// Last-used times are kept to the second: a busy key records its first use of each second and skips the rest,
/// so requests on one key do not all queue on the same dictionary bucket's lock.
/// </summary>
public sealed class KeyUsageRecorderTests
{
    [Fact]
    public async Task Uses_within_a_second_keep_the_first_and_a_later_second_is_recorded()
    {
        var store = new InMemoryApiKeyStore();
        var key = store.Add("busy", new ApiKeyFormat("app", KeyEnvironment.Test).Generate(), ["read:events"]);
        var recorder = new KeyUsageRecorder(store, TimeProvider.System, Options.Create(new DeclarativeAuthOptions()), NullLogger<KeyUsageRecorder>.Instance);
        var t0 = TestApp.Start;

        recorder.Record(key.Id, t0);
        recorder.Record(key.Id, t0.AddMilliseconds(999));
        await recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(t0, (await store.GetAsync(key.Id))!.LastUsedAt);

        recorder.Record(key.Id, t0.AddSeconds(1));
        recorder.Record(key.Id, t0.AddSeconds(1.5));
        await recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(t0.AddSeconds(1), (await store.GetAsync(key.Id))!.LastUsedAt);
    }
}
