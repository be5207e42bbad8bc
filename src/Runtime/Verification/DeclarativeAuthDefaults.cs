using System.Security.Claims;

namespace Declarative.Auth;

/// <summary>Names shared with ASP.NET Core's authentication.</summary>
public static class DeclarativeAuthDefaults
{
    /// <summary>The authentication type of the identity a verified key produces.</summary>
    public const string AuthenticationType = "ApiKey";

    /// <summary>The authentication scheme registered for <c>[Authorize]</c> endpoints.</summary>
    public const string AuthenticationScheme = "ApiKey";
}
