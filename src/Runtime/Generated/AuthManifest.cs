using System.ComponentModel;
using Declarative.Auth.Rules;

namespace Declarative.Auth;

/// <summary>
/// What the build saw in one assembly: the permission catalog and the route → permission table.
/// Written by the Declarative.Auth source generator and registered by a module initializer; not meant
/// to be constructed by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // used by generated code only: public because it runs in the app's assembly
public sealed class AuthManifest
{
    private readonly Lazy<IReadOnlyList<EndpointEntry>> _endpoints;

    /// <summary>Creates a manifest from its endpoints (tests, hand-made manifests).</summary>
    public AuthManifest(string assemblyName, IReadOnlyList<string> permissions, IReadOnlyList<EndpointEntry> endpoints)
    {
        AssemblyName = assemblyName ?? throw new ArgumentNullException(nameof(assemblyName));
        Permissions = permissions ?? throw new ArgumentNullException(nameof(permissions));
        ArgumentNullException.ThrowIfNull(endpoints);
        _endpoints = new Lazy<IReadOnlyList<EndpointEntry>>(endpoints);
    }

    /// <summary>
    /// Creates a manifest whose table is the generator's text form, read on first use of <see cref="Endpoints"/>.
    /// Called by generated code.
    /// </summary>
    public AuthManifest(string assemblyName, IReadOnlyList<string> permissions, string endpoints)
    {
        AssemblyName = assemblyName ?? throw new ArgumentNullException(nameof(assemblyName));
        Permissions = permissions ?? throw new ArgumentNullException(nameof(permissions));
        ArgumentNullException.ThrowIfNull(endpoints);
        _endpoints = new Lazy<IReadOnlyList<EndpointEntry>>(() => Read(assemblyName, endpoints));
    }

    /// <summary>The assembly the generator ran on.</summary>
    public string AssemblyName { get; }

    /// <summary>Every permission the assembly's declarations use, in dense-index order (ordinal sort).</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>Every endpoint the build found, declared or not, ordered by route then method.</summary>
    /// <exception cref="InvalidOperationException">The table was written by a generator of another format (the message names the assembly and says to rebuild).</exception>
    public IReadOnlyList<EndpointEntry> Endpoints => _endpoints.Value;

    private static readonly string[] AccessNames = Enum.GetNames<EndpointAccess>();

    /// <summary>A member's exact name: not a number, not a comma list (both of which Enum.Parse takes).</summary>
    private static EndpointAccess Access(string name)
        => AccessNames.Contains(name, StringComparer.Ordinal) ? Enum.Parse<EndpointAccess>(name)
            : throw new FormatException($"\"{name}\" is not an endpoint access this runtime knows");

    private static EndpointEntry[] Read(string assemblyName, string text)
    {
        try
        {
            return [.. ManifestText.Read(text).Select(r => new EndpointEntry(r.Methods, r.Route, r.Permissions, Access(r.Access), r.Handler, r.SourceFile, r.Line)
            {
                OrAuthorization = (r.Flags & ManifestText.OrAuthorization) != 0,
                EventIngestion = (r.Flags & ManifestText.EventIngestion) != 0,
                Workspace = (r.Flags & ManifestText.Workspace) != 0,
            })];
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The Declarative.Auth route table generated into assembly '{assemblyName}' cannot be read by this runtime ({e.Message}). "
                + "Rebuild the assembly with the same Declarative.Auth package version as the app.", e);
        }
    }
}
