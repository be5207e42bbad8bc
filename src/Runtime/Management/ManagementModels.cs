using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>Body of <c>POST {prefix}</c>.</summary>
public sealed record CreateKeyBody(
    string? Name,
    IReadOnlyList<string>? Permissions,
    DateTimeOffset? ExpiresAt = null,
    string? Workspace = null,
    ApiKeyKind Kind = ApiKeyKind.Standard,
    string? SourceConnection = null,
    string? Owner = null);

/// <summary>Body of <c>POST {prefix}/{id}/rotate</c>.</summary>
public sealed record RotateKeyBody(int GraceSeconds = 0, DateTimeOffset? ExpiresAt = null);

/// <summary>A key as the management API shows it: never the secret, never the hash.</summary>
public sealed record KeyView(
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

/// <summary>Answer to create and rotate: the only time the secret is shown.</summary>
public sealed record CreatedKeyView(KeyView Key, string Secret, string Warning)
{
    internal const string CopyWarning = "Copy the key now: it will not be shown again.";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateKeyBody))]
[JsonSerializable(typeof(RotateKeyBody))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(IReadOnlyList<KeyView>))]
[JsonSerializable(typeof(CreatedKeyView))]
[JsonSerializable(typeof(KeyIntrospection))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;
