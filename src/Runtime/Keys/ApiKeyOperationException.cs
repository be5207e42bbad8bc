using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>A management request that cannot be done; the message says why. HTTP: 400, 403, 404 or 409 with <see cref="Code"/>.</summary>
public sealed class ApiKeyOperationException(string code, string message) : Exception(message)
{
    /// <summary><c>INVALID_REQUEST</c>, <c>FORBIDDEN</c>, <c>NOT_FOUND</c> or <c>CONFLICT</c>.</summary>
    public string Code { get; } = code;
}
