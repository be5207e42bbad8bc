using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The organizations key, read once from its environment variable and kept only as a SHA-256; requests are
/// compared against it in constant time. Absent variable: the feature is off and its endpoints answer 404.
/// </summary>
internal sealed class OrganizationsKey
{
    private const string Prefix = "org_";
    private const int BodyLength = 43;
    private readonly byte[]? _hash;

    public OrganizationsKey(IOptions<DeclarativeAuthOptions> options)
    {
        Variable = options.Value.OrganizationsKey.EnvironmentVariable;
        if (string.IsNullOrEmpty(Variable))
            return;
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value))
            return;
        if (!IsWellFormed(value))
        {
            // ValidateOnStart reports this first; kept so the key can never be built from a malformed value.
            throw new OptionsValidationException(Variable, typeof(DeclarativeAuthOptions),
                [DeclarativeAuthOptionsValidator.OrganizationsKeyFailure(options.Value.OrganizationsKey)!]);
        }
        _hash = SHA256.HashData(Encoding.ASCII.GetBytes(value));
    }

    public string? Variable { get; }

    public bool IsEnabled => _hash is not null;

    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.Length != Prefix.Length + BodyLength || !value.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        foreach (var c in value[Prefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c))
                return false;
        }
        return true;
    }

    /// <summary>Constant time in the key's content: both sides are hashed to 32 bytes, then compared with FixedTimeEquals.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (_hash is null || presented.Length > 256)
            return false;
        Span<byte> ascii = stackalloc byte[256];
        var n = Encoding.ASCII.GetBytes(presented, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii[..n], hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}
