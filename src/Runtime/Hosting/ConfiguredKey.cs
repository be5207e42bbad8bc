namespace Declarative.Auth;

/// <summary>A key given in configuration: <c>DeclarativeAuth:Keys:0:Name</c>, <c>…:Sha256</c>, <c>…:Permissions:0</c>.</summary>
public sealed class ConfiguredKey
{
    /// <summary>The key's name.</summary>
    public string? Name { get; set; }

    /// <summary>SHA-256 of the secret, 64 hex digits (e.g. <c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string? Sha256 { get; set; }

    /// <summary>What the key holds.</summary>
    public List<string> Permissions { get; } = [];

    /// <summary>Optional expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
