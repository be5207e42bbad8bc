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
    public static Result TryRead(IHeaderDictionary headers, out ReadOnlySpan<char> token) => TryRead(headers, out token, out _);

    /// <summary>As <see cref="TryRead(IHeaderDictionary, out ReadOnlySpan{char})"/>, with the header's string itself.</summary>
    public static Result TryRead(IHeaderDictionary headers, out ReadOnlySpan<char> token, out string? header)
    {
        token = default;
        header = null;
        StringValues values = headers.Authorization;
        if (values.Count == 0)
            return Result.Missing;
        if (values.Count > 1 || values[0] is not { } value)
            return Result.Malformed;
        header = value;

        var span = value.AsSpan();
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
