namespace Declarative.Auth;

/// <summary>
/// What the build saw in one assembly: the permission catalog and the route → permission table.
/// Written by the Declarative.Auth source generator and registered by a module initializer; not meant
/// to be constructed by hand.
/// </summary>
public sealed class AuthManifest
{
    /// <summary>Creates a manifest. Called by generated code.</summary>
    public AuthManifest(string assemblyName, IReadOnlyList<string> permissions, IReadOnlyList<EndpointEntry> endpoints)
    {
        AssemblyName = assemblyName ?? throw new ArgumentNullException(nameof(assemblyName));
        Permissions = permissions ?? throw new ArgumentNullException(nameof(permissions));
        Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
    }

    /// <summary>The assembly the generator ran on.</summary>
    public string AssemblyName { get; }

    /// <summary>Every permission the assembly's declarations use, in dense-index order (ordinal sort).</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>Every endpoint the build found, declared or not, ordered by route then method.</summary>
    public IReadOnlyList<EndpointEntry> Endpoints { get; }
}

/// <summary>How an endpoint was declared.</summary>
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

/// <summary>One row of the generated route → permission table.</summary>
/// <param name="HttpMethods">Upper-case methods, e.g. <c>GET</c>; empty when the endpoint answers any method.</param>
/// <param name="Route">The full route template with group prefixes and controller routes combined, starting with '/'; null when it is not a compile-time constant.</param>
/// <param name="Permissions">The permissions required (all of them), ordinal order; empty unless <paramref name="Access"/> is <see cref="EndpointAccess.Key"/>.</param>
/// <param name="Access">How the endpoint was declared.</param>
/// <param name="Handler">The handler's display name, e.g. <c>MonitorsController.List</c> or <c>lambda</c>.</param>
/// <param name="SourceFile">The declaring file, relative to the project directory with '/' separators.</param>
/// <param name="Line">The 1-based line of the <c>Map*</c> call or the action method.</param>
public sealed record EndpointEntry(
    IReadOnlyList<string> HttpMethods,
    string? Route,
    IReadOnlyList<string> Permissions,
    EndpointAccess Access,
    string Handler,
    string SourceFile,
    int Line)
{
    /// <summary>With <see cref="EndpointAccess.Key"/>: a caller the app's own authorization accepts may call it without a key.</summary>
    public bool OrAuthorization { get; init; }
}
