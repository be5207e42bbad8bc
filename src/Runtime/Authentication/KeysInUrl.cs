using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Keys never travel in URLs (they end up in logs, history and Referer headers): a key-shaped value anywhere in the
/// URL — a query value, a query parameter's name, <c>?token=Bearer%20&lt;key&gt;</c>, a path segment — is refused even
/// when the header is right, so the mistake is caught on the first call. A cheap scan for the key's prefix comes
/// first: most URLs never contain it, and then nothing is split or checked.
/// </summary>
internal sealed class KeysInUrl(ApiKeyFormat format)
{
    private readonly string _keyPrefix = format.Prefix + "_";
    private const string OrganizationsPrefix = "org_";

    public bool Carries(HttpRequest request)
    {
        var path = request.Path.Value;
        if (path is not null && MayHold(path) && PathHolds(path))
            return true;
        return request.QueryString.HasValue && MayHold(request.QueryString.Value!.Replace("%5F", "_", StringComparison.OrdinalIgnoreCase))
            && QueryHolds(request.Query);
    }

    private bool MayHold(string text)
        => text.Contains(_keyPrefix, StringComparison.Ordinal) || text.Contains(OrganizationsPrefix, StringComparison.Ordinal);

    private bool PathHolds(string path)
    {
        foreach (var range in path.AsSpan().Split('/'))
        {
            if (IsKey(path.AsSpan()[range]))
                return true;
        }
        return false;
    }

    private bool QueryHolds(IQueryCollection query)
    {
        foreach (var (name, values) in query)
        {
            if (IsKey(name))
                return true;
            foreach (var value in values)
            {
                if (value is not null && IsKey(value))
                    return true;
            }
        }
        return false;
    }

    // A key as it would be pasted: alone, or after "Bearer " (any case; the space may arrive as '+' or %20).
    private bool IsKey(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        const string Bearer = "Bearer";
        if (value.Length > Bearer.Length + 1 && value[..Bearer.Length].Equals(Bearer, StringComparison.OrdinalIgnoreCase)
            && value[Bearer.Length] is ' ' or '+')
            value = value[(Bearer.Length + 1)..].Trim();
        return format.Check(value) is KeyFormatError.None or KeyFormatError.WrongEnvironment or KeyFormatError.BadChecksum
            || OrganizationsKey.IsWellFormed(value);
    }
}
