namespace Declarative.Auth;

/// <summary>
/// Where keys live. The verifier only reads through <see cref="FindAsync"/>; implementations that can fail
/// (a database) throw <see cref="KeyStoreUnavailableException"/>, which the middleware turns into 503.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>The key whose secret hashes to <paramref name="hash"/>, revoked and expired ones included; null if none.</summary>
    ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default);
}

/// <summary>The key store cannot answer; requests are refused with 503 <c>AUTH_UNAVAILABLE</c>.</summary>
public sealed class KeyStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyStoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
