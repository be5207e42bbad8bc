namespace Declarative.Auth;

/// <summary>
/// Bounds every call to a store by the app's <see cref="DeclarativeAuthOptions.StoreTimeout"/>, so a hung database
/// answers the management API with 503 <c>AUTH_UNAVAILABLE</c> as it answers the verifier, instead of leaving the
/// caller waiting. A write cut off this way is reported as unavailable, never as done.
/// </summary>
internal sealed class TimeLimitedApiKeyStore(IApiKeyStore inner, TimeSpan timeout, TimeProvider time) : IApiKeyStore
{
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        => new(Bound(inner.FindAsync(hash, cancellationToken).AsTask(), cancellationToken));

    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
        => Bound(inner.GetAsync(id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
        => Bound(inner.ListAsync(cancellationToken), cancellationToken);

    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default)
        => Bound(Done(inner.AddAsync(key, cancellationToken)), cancellationToken);

    public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
        => Bound(inner.RevokeAsync(id, revokedAt, cancellationToken), cancellationToken);

    public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
        => Bound(inner.SetExpiryAsync(id, expiresAt, cancellationToken), cancellationToken);

    public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
        => Bound(inner.RotateAsync(oldId, replacement, oldRevokedAt, cancellationToken), cancellationToken);

    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
        => Bound(Done(inner.RecordUsageAsync(lastUsed, cancellationToken)), cancellationToken);

    private static async Task<bool> Done(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }

    private async Task<T> Bound<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new KeyStoreUnavailableException($"The key store did not answer within {timeout.TotalMilliseconds:0} ms.", ex);
        }
    }
}
