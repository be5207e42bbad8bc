using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>What <see cref="ApiKeyService.CreateAsync"/> needs.</summary>
public sealed record CreateApiKeyRequest
{
    /// <summary>A name people recognise, e.g. <c>monitoring-service</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the key may do, e.g. <c>read:monitors</c>. Checked against the app's catalog.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Optional expiry; must be in the future.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Restricts the key to one workspace.</summary>
    public string? Workspace { get; init; }

    /// <summary>The kind of credential.</summary>
    public ApiKeyKind Kind { get; init; }

    /// <summary>For an event write key: its source connection.</summary>
    public string? SourceConnection { get; init; }

    /// <summary>The subject (user id) the key acts for; see <see cref="ApiKey.Owner"/>.</summary>
    public string? Owner { get; init; }
}
