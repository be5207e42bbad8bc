using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>Keys in memory, held as hashes only. For tests and keys supplied by configuration.</summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<KeyHash, ApiKey> _byHash = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty store.</summary>
    public InMemoryApiKeyStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_byHash.TryGetValue(hash, out var key) ? key : null);

    /// <summary>Adds a key given its secret; only the secret's hash is kept.</summary>
    public ApiKey Add(string name, string secret, IEnumerable<string> permissions, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Add(name, KeyHash.Compute(secret), permissions, expiresAt, DisplayPartOf(secret));
    }

    /// <summary>Adds a key given the hash of its secret (as configuration supplies it).</summary>
    public ApiKey Add(string name, KeyHash hash, IEnumerable<string> permissions, DateTimeOffset? expiresAt = null, string displayPart = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(permissions);
        var list = permissions.ToArray();
        foreach (var p in list)
        {
            if (!PermissionName.TryParse(p, out _, out _))
                throw new ArgumentException($"'{p}' is not a permission; write 'read:<scope>', 'write:<scope>', 'delete:<scope>' or 'admin'.", nameof(permissions));
        }
        var key = new ApiKey
        {
            Id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Name = name,
            Hash = hash,
            DisplayPart = displayPart,
            Permissions = list,
            CreatedAt = _time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        if (!_byHash.TryAdd(hash, key))
            throw new InvalidOperationException($"A key with the same secret is already stored (name '{_byHash[hash].Name}').");
        return key;
    }

    /// <summary>Revokes a key by id; it is refused from the moment this returns.</summary>
    public bool Revoke(string id)
    {
        foreach (var (hash, key) in _byHash)
        {
            if (key.Id == id && key.RevokedAt is null)
                return _byHash.TryUpdate(hash, key with { RevokedAt = _time.GetUtcNow(), Verified = null }, key);
        }
        return false;
    }

    /// <summary>Every key, without secrets (none are held).</summary>
    public IReadOnlyList<ApiKey> List() => [.. _byHash.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];

    internal static string DisplayPartOf(string secret) => secret.Length <= 12 ? "" : secret[..Math.Min(secret.Length - 8, 12)] + "…";
}
