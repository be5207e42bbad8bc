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
        private static Task<T> Down<T>() => Task.FromException<T>(new KeyStoreUnavailableException("database is down"));
        public Task<ApiKey?> GetAsync(string id, CancellationToken ct = default) => Down<ApiKey?>();
        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default) => Down<IReadOnlyList<ApiKey>>();
        public Task AddAsync(ApiKey key, CancellationToken ct = default) => Down<bool>();
        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct = default) => Down<bool>();
        public Task<bool> SetExpiryAsync(string id, DateTimeOffset? at, CancellationToken ct = default) => Down<bool>();
        public Task<bool> RotateAsync(string oldId, ApiKey r, DateTimeOffset at, CancellationToken ct = default) => Down<bool>();
        public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> u, CancellationToken ct = default) => Down<bool>();
    }

    [Fact]
    public async Task Unreachable_store_is_503_AUTH_UNAVAILABLE_never_200()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
            services: s => s.Replace(ServiceDescriptor.Singleton<IApiKeyStore, DownStore>()));
        var response = await app.Client(app.Format.Generate()).GetAsync("/x");
        await response.AssertRefusal(503, "AUTH_UNAVAILABLE");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }
}
