namespace Declarative.Auth;

/// <summary>The key store cannot answer; requests are refused with 503 <c>AUTH_UNAVAILABLE</c>.</summary>
public sealed class KeyStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyStoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
