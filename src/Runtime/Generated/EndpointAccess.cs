using System.ComponentModel;

namespace Declarative.Auth;

/// <summary>How an endpoint was declared.</summary>
[EditorBrowsable(EditorBrowsableState.Never)] // used by generated code only: public because it runs in the app's assembly
public enum EndpointAccess
{
    /// <summary>No declaration: refused at run time unless the app opts out.</summary>
    Undeclared = 0,

    /// <summary><see cref="RequiresKeyAttribute"/> or <c>RequireKey()</c>: an API key with the permissions.</summary>
    Key = 1,

    /// <summary><c>[AllowAnonymous]</c> / <c>AllowAnonymous()</c>: public.</summary>
    Public = 2,

    /// <summary><c>[Authorize]</c> / <c>RequireAuthorization()</c>: left to ASP.NET Core authorization.</summary>
    Authorize = 3,

    /// <summary><see cref="RequiresOrganizationsKeyAttribute"/>: only the organizations key.</summary>
    OrganizationsKey = 4,
}
