using Declarative.Auth.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Declarative.Auth.Tests.Verifier;

public sealed class StoreFaultTests
{
    private sealed class DownStore : IApiKeyStore
    {
        public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
            => ValueTask.FromException<ApiKey?>(new KeyStoreUnavailableException("database is down"));
    }

    [Fact]
    public async Task Unreachable_store_is_503_AUTH_UNAVAILABLE_never_200()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            services: s => s.Replace(ServiceDescriptor.Singleton<IApiKeyStore, DownStore>()));
        var response = await app.Client("test_whatever_key_value").GetAsync("/x");
        await response.AssertRefusal(503, "AUTH_UNAVAILABLE");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }
}
