using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Declarative.Auth;

/// <summary>Reads <c>Authorization: Bearer &lt;key&gt;</c> without allocating.</summary>
internal static class BearerToken
{
    public enum Result { Found, Missing, Malformed }

    /// <summary>
    /// One <c>Authorization</c> header, scheme <c>Bearer</c> (any case), one or more spaces, then a token of
    /// visible ASCII with no spaces. Anything else is malformed, including two headers.
    /// </summary>
    public static Result TryRead(IHeaderDictionary headers, out ReadOnlySpan<char> token)
    {
        token = default;
        StringValues values = headers.Authorization;
        if (values.Count == 0)
            return Result.Missing;
        if (values.Count > 1 || values[0] is not { } header)
            return Result.Malformed;

        var span = header.AsSpan();
        const string Scheme = "Bearer";
        if (span.Length <= Scheme.Length + 1 || !span[..Scheme.Length].Equals(Scheme, StringComparison.OrdinalIgnoreCase) || span[Scheme.Length] != ' ')
            return span.Trim().IsEmpty ? Result.Missing : Result.Malformed;

        var rest = span[(Scheme.Length + 1)..].TrimStart(' ');
        if (rest.IsEmpty || rest.Length > KeyHash.MaxSecretLength)
            return Result.Malformed;
        if (rest.ContainsAnyExceptInRange('!', '~')) // vectorized
            return Result.Malformed;
        token = rest;
        return Result.Found;
    }
}
