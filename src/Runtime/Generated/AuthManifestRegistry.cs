using System.ComponentModel;

namespace Declarative.Auth;

/// <summary>
/// Where generated module initializers hand over their manifests. Every assembly built with the generator
/// registers exactly one manifest when it is loaded.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // used by generated code only: public because it runs in the app's assembly
public static class AuthManifestRegistry
{
    private static readonly Lock Gate = new();
    private static AuthManifest[] s_manifests = [];

    /// <summary>Registers a manifest; a second registration for the same assembly replaces the first.</summary>
    public static void Register(AuthManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        lock (Gate)
        {
            var kept = s_manifests.Where(m => m.AssemblyName != manifest.AssemblyName);
            s_manifests = [.. kept, manifest];
        }
    }

    /// <summary>Removes a manifest registered under <paramref name="assemblyName"/> (tests that register a fake one).</summary>
    internal static void Unregister(string assemblyName)
    {
        lock (Gate)
            s_manifests = [.. s_manifests.Where(m => m.AssemblyName != assemblyName)];
    }

    /// <summary>The manifests registered so far.</summary>
    public static IReadOnlyList<AuthManifest> Manifests => Volatile.Read(ref s_manifests);
}
