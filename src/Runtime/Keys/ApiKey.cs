namespace Declarative.Auth;

/// <summary>
/// A stored API key: everything about it except its secret, which is never stored. Found by
/// <see cref="KeyHash"/>, the SHA-256 of the secret.
/// </summary>
public sealed record ApiKey
{
    /// <summary>Stable identifier, e.g. <c>key_8f2c…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The name given at creation, e.g. <c>monitoring-service</c>.</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the secret.</summary>
    public required KeyHash Hash { get; init; }

    /// <summary>A short, non-secret part for display (prefix and first characters).</summary>
    public string DisplayPart { get; init; } = "";

    /// <summary>What the key holds, e.g. <c>read:monitors</c>, <c>write:incidents</c>, <c>admin</c>.</summary>
    public required IReadOnlyList<string> Permissions { get; init; }

    /// <summary>The environment the key was made for.</summary>
    public KeyEnvironment Environment { get; init; }

    /// <summary>What kind of credential this is.</summary>
    public ApiKeyKind Kind { get; init; }

    /// <summary>
    /// The subject (user id) the key acts for, e.g. the account that created it; null for a key that stands for
    /// itself. A key's principal carries it as its name identifier.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>For a restricted key: the only workspace it may be used in.</summary>
    public string? Workspace { get; init; }

    /// <summary>For an event write key: the source connection it belongs to.</summary>
    public string? SourceConnection { get; init; }

    /// <summary>This key's own rate limit (requests per minute); null for the app's default.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>The id of the key this one replaced by rotation.</summary>
    public string? RotatedFromId { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last used (written in batches, so up to a few seconds behind).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When it stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was revoked; null while active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>active, expired or revoked at <paramref name="now"/>.</summary>
    public string StatusAt(DateTimeOffset now) => IsRevoked(now) ? "revoked" : IsExpired(now) ? "expired" : "active";

    /// <summary>True when <paramref name="now"/> is at or past <see cref="ExpiresAt"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } e && now >= e;

    /// <summary>True when revoked at or before <paramref name="now"/>.</summary>
    public bool IsRevoked(DateTimeOffset now) => RevokedAt is { } r && now >= r;

    /// <summary>True when this key's permissions satisfy <paramref name="permission"/> (admin, write implies read).</summary>
    public bool Grants(string permission)
    {
        foreach (var p in Permissions)
        {
            if (Rules.PermissionText.Grants(p, permission))
                return true;
        }
        return false;
    }
}
