using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>
/// Body of <c>POST {prefix}</c>. <see cref="For"/>: endpoints the key must reach ("GET /api/monitors/*"); the key gets
/// the fewest permissions that reach them, added to <see cref="Permissions"/>.
/// </summary>
internal sealed record CreateKeyBody(
    string? Name,
    IReadOnlyList<string>? Permissions,
    DateTimeOffset? ExpiresAt = null,
    string? Workspace = null,
    ApiKeyKind Kind = ApiKeyKind.Standard,
    string? SourceConnection = null,
    string? Owner = null,
    IReadOnlyList<string>? For = null);
