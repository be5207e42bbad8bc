using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>A key just created or rotated: the record, and its secret, which is never available again.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret)
{
    /// <summary>Does not print the secret.</summary>
    public override string ToString() => $"CreatedApiKey {{ Key = {Key.Id}, Secret = (hidden) }}";
}
