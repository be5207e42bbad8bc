using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>Body of <c>POST {prefix}</c>.</summary>
internal sealed record CreateKeyBody(
    string? Name,
    IReadOnlyList<string>? Permissions,
    DateTimeOffset? ExpiresAt = null,
    string? Workspace = null,
    ApiKeyKind Kind = ApiKeyKind.Standard,
    string? SourceConnection = null,
    string? Owner = null);
