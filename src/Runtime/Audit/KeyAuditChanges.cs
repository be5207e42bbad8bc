namespace Declarative.Auth;

/// <summary>
/// What an operation changed, as the audit log words it. Built from the key record only: ids, names, permissions,
/// times — the record holds no secret, and its hash is never written.
/// </summary>
internal static class KeyAuditChanges
{
    public static string Created(ApiKey key)
    {
        var parts = new List<string>
        {
            $"name: {key.Name}",
            $"permissions: {Permissions(key.Permissions)}",
            $"expires: {KeyAuditLog.Time(key.ExpiresAt)}",
        };
        if (key.Kind != ApiKeyKind.Standard)
            parts.Add($"kind: {key.Kind}");
        if (key.Workspace is { } workspace)
            parts.Add($"workspace: {workspace}");
        if (key.Owner is { } owner)
            parts.Add($"owner: {owner}");
        if (key.RotatedFromId is { } from)
            parts.Add($"rotated from: {from}");
        return string.Join("; ", parts);
    }

    public static string Revoked(ApiKey key, DateTimeOffset at)
        => $"revoked: {KeyAuditLog.Time(key.RevokedAt)} → {KeyAuditLog.Time(at)}";

    public static string Expiry(DateTimeOffset? before, DateTimeOffset after)
        => $"expires: {KeyAuditLog.Time(before)} → {KeyAuditLog.Time(after)}";

    public static string Rotated(ApiKey old, ApiKey replacement, DateTimeOffset oldEnds)
        => $"replaced by: {replacement.Id}; old key works until: {KeyAuditLog.Time(oldEnds)}; new key expires: {KeyAuditLog.Time(replacement.ExpiresAt)}";

    private static string Permissions(IReadOnlyList<string> permissions) => permissions.Count == 0 ? "(none)" : string.Join(" ", permissions);
}
