namespace Declarative.Auth;

/// <summary>What the authentication step made of a request's credential.</summary>
internal enum KeyOutcomeKind
{
    /// <summary>No credential in the Authorization header.</summary>
    NoKey,

    /// <summary>A credential that is not one of our keys (another bearer token, Basic, …): the app's schemes may know it.</summary>
    OtherCredential,

    /// <summary>One of our keys, refused (already counted against the address where that applies).</summary>
    Refused,

    /// <summary>An active key.</summary>
    Valid,
}

/// <summary>The result of <see cref="KeyAuthentication"/>: a struct, so the synchronous path allocates nothing.</summary>
internal readonly struct KeyOutcome
{
    private KeyOutcome(KeyOutcomeKind kind, AuthError? error, VerifiedKey? key, KeyRateLimiter.Decision? limit)
    {
        Kind = kind;
        Error = error;
        Key = key;
        Limit = limit;
    }

    public KeyOutcomeKind Kind { get; }

    /// <summary>With <see cref="KeyOutcomeKind.Refused"/>: why.</summary>
    public AuthError? Error { get; }

    /// <summary>With <see cref="KeyOutcomeKind.Valid"/>: the key.</summary>
    public VerifiedKey? Key { get; }

    /// <summary>With a 429: the window the refusal reports in its headers.</summary>
    public KeyRateLimiter.Decision? Limit { get; }

    public static readonly KeyOutcome NoKey = new(KeyOutcomeKind.NoKey, null, null, null);
    public static readonly KeyOutcome OtherCredential = new(KeyOutcomeKind.OtherCredential, null, null, null);

    public static KeyOutcome Refused(AuthError error, KeyRateLimiter.Decision? limit = null) => new(KeyOutcomeKind.Refused, error, null, limit);

    public static KeyOutcome Valid(VerifiedKey key) => new(KeyOutcomeKind.Valid, null, key, null);
}
