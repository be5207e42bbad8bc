using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>A key as the management API shows it: never the secret, never the hash.</summary>
internal sealed record KeyView(
    string Id,
    string Name,
    string DisplayPart,
    IReadOnlyList<string> Permissions,
    KeyEnvironment Environment,
    ApiKeyKind Kind,
    string? Workspace,
    string? SourceConnection,
    string? RotatedFromId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    string Status,
    string? Owner = null)
{
    /// <summary>The view of <paramref name="key"/> at <paramref name="now"/>.</summary>
    public static KeyView Of(ApiKey key, DateTimeOffset now) => new(
        key.Id, key.Name, key.DisplayPart, key.Permissions, key.Environment, key.Kind, key.Workspace, key.SourceConnection,
        key.RotatedFromId, key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.StatusAt(now), key.Owner);
}
