namespace Declarative.Auth;

/// <summary>
/// What writers and the middleware derive from one <see cref="AuthError"/> (a body, a body's constant prefix, a
/// challenge), kept so a refusal served again is not serialized again. Every entry remembers all the inputs it was
/// built from and is used only while they still match, so a cache shared by <c>with</c> copies of an error, or an
/// error whose list was changed, can only cost a rebuild, never serve another error's bytes. Not part of an error's
/// value: two caches are always equal, so record equality and hashing ignore it.
/// </summary>
internal sealed class RefusalCache
{
    /// <summary>Builds a cached value from the inputs it is keyed by.</summary>
    public delegate T Builder<out T>(int status, string code, string message, IReadOnlyList<string>? permissions);

    private Entry? _problemDetails;
    private Entry? _limitedProblemDetails;
    private Entry? _writerBody;
    private Entry? _challenge;
    private Entry? _accepted;

    /// <summary>The problem-details slot: keyed by the error's status, code, message and required permissions.</summary>
    public byte[] ProblemDetails(AuthError error, Builder<byte[]> build)
        => GetOrAdd(ref _problemDetails, build, error.Status, error.Code, error.Message, error.RequiredPermissions);

    /// <summary>The problem-details slot of a 429 naming its limits: the builder gets them as its last argument.</summary>
    public byte[] LimitedProblemDetails(AuthError error, IReadOnlyList<string> violated, Builder<byte[]> build)
        => GetOrAdd(ref _limitedProblemDetails, build, error.Status, error.Code, error.Message, violated);

    /// <summary>A custom-shaped body, keyed by the code and message a writer chose for this error.</summary>
    public byte[] WriterBody(Builder<byte[]> build, string code, string message)
        => GetOrAdd(ref _writerBody, build, 0, code, message, null);

    /// <summary>The <c>WWW-Authenticate</c> value of a 403, keyed by the required permissions.</summary>
    public string Challenge(IReadOnlyList<string> required, Builder<string> build)
        => GetOrAdd(ref _challenge, build, 0, "", "", required);

    /// <summary>The accepted-permissions header value of a 403, keyed by the required permissions.</summary>
    public string Accepted(IReadOnlyList<string> required, Builder<string> build)
        => GetOrAdd(ref _accepted, build, 0, "", "", required);

    private static T GetOrAdd<T>(ref Entry? slot, Builder<T> build, int status, string code, string message, IReadOnlyList<string>? permissions)
        where T : class
    {
        var entry = Volatile.Read(ref slot);
        if (entry is not null && entry.Matches(build, status, code, message, permissions))
            return (T)entry.Value;
        var value = build(status, code, message, permissions);
        Volatile.Write(ref slot, new Entry(build, status, code, message, permissions is null ? null : [.. permissions], value));
        return value;
    }

    public override bool Equals(object? obj) => obj is RefusalCache;

    public override int GetHashCode() => 0;

    private sealed class Entry(object kind, int status, string code, string message, string[]? permissions, object value)
    {
        public object Value { get; } = value;

        public bool Matches(object k, int s, string c, string m, IReadOnlyList<string>? p)
        {
            if (!ReferenceEquals(kind, k) || status != s || !string.Equals(code, c, StringComparison.Ordinal) || !string.Equals(message, m, StringComparison.Ordinal))
                return false;
            if (permissions is null || p is null)
                return permissions is null && p is null;
            if (permissions.Length != p.Count)
                return false;
            for (var i = 0; i < permissions.Length; i++)
            {
                if (!string.Equals(permissions[i], p[i], StringComparison.Ordinal))
                    return false;
            }
            return true;
        }
    }
}
