namespace Declarative.Auth;

/// <summary>
/// The leaked-key endpoint (<see cref="SecretScanningEndpoint.MapSecretScanningEndpoint"/>): the public keys that
/// sign alerts, and bounds on what one alert may carry.
/// </summary>
public sealed class SecretScanningOptions
{
    /// <summary>
    /// The scanner's ECDSA P-256 public keys (PEM), by key identifier, as the scanner publishes them (GitHub:
    /// <c>https://api.github.com/meta/public_keys/secret_scanning</c>). An alert signed by any other key is refused.
    /// </summary>
    public Dictionary<string, string> PublicKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The largest alert body accepted, in bytes (default 1 MiB); larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>The most tokens one alert may report (default 1,000); more gets 400.</summary>
    public int MaxTokens { get; set; } = 1_000;
}
