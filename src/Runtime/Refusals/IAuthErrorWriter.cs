using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>Writes a refusal's body. Replace it to match the error shape an API's docs promise.</summary>
public interface IAuthErrorWriter
{
    /// <summary>Writes <paramref name="error"/>; status and <c>WWW-Authenticate</c> are already set.</summary>
    Task WriteAsync(HttpContext context, AuthError error);
}
