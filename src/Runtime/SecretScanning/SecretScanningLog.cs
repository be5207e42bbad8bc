using Microsoft.Extensions.Logging;

namespace Declarative.Auth;

internal static partial class SecretScanningLog
{
    [LoggerMessage(80, LogLevel.Warning, "Declarative.Auth: key {KeyId} ({Name}) was found public by secret scanning at {Url} ({Source}) and has been revoked.")]
    public static partial void Revoked(ILogger logger, string keyId, string name, string? url, string? source);
}
