using System.Collections.Concurrent;

namespace Declarative.Auth;

/// <summary>Keys in memory, held as hashes only. For tests and for keys supplied by configuration.</summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<KeyHash, ApiKey> _byHash = new();
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly Lock _writes = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty store.</summary>
    public InMemoryApiKeyStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_byHash.TryGetValue(hash, out var key) ? key : null);

    /// <inheritdoc />
    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
        => Task.FromResult(_hashById.TryGetValue(id, out var hash) && _byHash.TryGetValue(hash, out var key) ? key : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<ApiKey>>([.. _byHash.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_writes)
        {
            if (_hashById.ContainsKey(key.Id) || _byHash.ContainsKey(key.Hash))
                throw new InvalidOperationException($"A key with id '{key.Id}' or the same secret is already stored.");
            _byHash[key.Hash] = key;
            _hashById[key.Id] = key.Hash;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
        => Task.FromResult(Update(id, k => k with { RevokedAt = revokedAt }));

    /// <inheritdoc />
    public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
        => Task.FromResult(Update(id, k => k with { ExpiresAt = expiresAt }));

    /// <inheritdoc />
    public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            if (!_hashById.ContainsKey(oldId))
                return Task.FromResult(false);
            AddAsync(replacement, cancellationToken);
            Update(oldId, k => k with { RevokedAt = oldRevokedAt });
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
    {
        foreach (var (id, at) in lastUsed)
            Update(id, k => k.LastUsedAt >= at ? k : k with { LastUsedAt = at });
        return Task.CompletedTask;
    }

    /// <summary>Adds a key given its secret (only its hash is kept). For tests and seeding from code.</summary>
    public ApiKey Add(string name, string secret, IEnumerable<string> permissions, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Add(name, KeyHash.Compute(secret), permissions, expiresAt, ApiKeyFormat.DisplayPartOf(secret));
    }

    /// <summary>Adds a key given the hash of its secret (as configuration supplies it: see DeclarativeAuth:Keys).</summary>
    internal ApiKey Add(string name, KeyHash hash, IEnumerable<string> permissions, DateTimeOffset? expiresAt = null, string displayPart = "")
    {
        var key = new ApiKey
        {
            Id = ApiKeyService.NewId(),
            Name = ApiKeyService.ValidateName(name),
            Hash = hash,
            DisplayPart = displayPart,
            Permissions = ApiKeyService.ValidatePermissions(permissions, known: null),
            CreatedAt = _time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        AddAsync(key);
        return key;
    }

    /// <summary>Revokes a key now. For tests.</summary>
    public bool Revoke(string id) => Update(id, k => k with { RevokedAt = _time.GetUtcNow() });

    /// <summary>Every key. For tests.</summary>
    public IReadOnlyList<ApiKey> List() => ListAsync().Result;

    private bool Update(string id, Func<ApiKey, ApiKey> change)
    {
        lock (_writes)
        {
            if (!_hashById.TryGetValue(id, out var hash) || !_byHash.TryGetValue(hash, out var key))
                return false;
            _byHash[hash] = change(key);
            return true;
        }
    }
}
