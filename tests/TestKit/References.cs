using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Metadata references for test compilations: the installed Microsoft.NETCore.App and
/// Microsoft.AspNetCore.App shared frameworks (Basic.Reference.Assemblies is not on our mirror) plus
/// the Declarative.Auth runtime.
/// </summary>
public static class References
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_all = new(Load);

    /// <summary>Everything an ASP.NET Core app using Declarative.Auth compiles against.</summary>
    public static IReadOnlyList<MetadataReference> All => s_all.Value;

    private static IReadOnlyList<MetadataReference> Load()
    {
        var netCoreDir = RuntimeEnvironment.GetRuntimeDirectory();
        var version = Path.GetFileName(netCoreDir.TrimEnd(Path.DirectorySeparatorChar));
        var sharedRoot = Path.GetDirectoryName(Path.GetDirectoryName(netCoreDir.TrimEnd(Path.DirectorySeparatorChar)))!;
        var aspNetDir = Path.Combine(sharedRoot, "Microsoft.AspNetCore.App", version);
        if (!Directory.Exists(aspNetDir))
        {
            // The ASP.NET Core runtime may be a different patch than NETCore.App; take the newest.
            aspNetDir = Directory.GetDirectories(Path.Combine(sharedRoot, "Microsoft.AspNetCore.App")).OrderBy(d => d).Last();
        }

        var files = Directory.GetFiles(netCoreDir, "*.dll")
            .Concat(Directory.GetFiles(aspNetDir, "*.dll"))
            .Where(IsManagedAssembly)
            .GroupBy(Path.GetFileName)
            .Select(g => g.First())
            .Append(typeof(RequiresKeyAttribute).Assembly.Location);
        return files.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToArray();
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
