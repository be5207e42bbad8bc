using System.ComponentModel;

namespace Declarative.Auth;

/// <summary>
/// What the build saw in one assembly: the permission catalog and the route → permission table.
/// Written by the Declarative.Auth source generator and registered by a module initializer; not meant
/// to be constructed by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // used by generated code only: public because it runs in the app's assembly
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
