namespace Declarative.Auth;

/// <summary>
/// Where keys live: records with hashes, never secrets. The verifier reads through <see cref="FindAsync"/>;
/// the rest serves <see cref="ApiKeyService"/>. Stores that can fail (a database) throw
/// <see cref="KeyStoreUnavailableException"/>, which the middleware turns into 503 <c>AUTH_UNAVAILABLE</c>.
/// Every implementation passes the same contract test suite.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>The key whose secret hashes to <paramref name="hash"/>, revoked and expired ones included; null if none.</summary>
    ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default);

    /// <summary>The key with <paramref name="id"/>; null if none.</summary>
    Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every key, oldest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new key; fails if its id or hash exists.</summary>
    Task AddAsync(ApiKey key, CancellationToken cancellationToken = default);

    /// <summary>Sets the revocation time (now, or later for a rotation's grace period). False if no such key.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Sets or clears the expiry. False if no such key.</summary>
    Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Atomically stores <paramref name="replacement"/> and sets the old key's revocation time.</summary>
    Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default);

    /// <summary>Writes last-used times collected since the previous batch (latest per key).</summary>
    Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default);
}
