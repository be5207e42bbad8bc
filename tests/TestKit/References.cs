using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Metadata references for test compilations: the .NET 10 reference assemblies of Basic.Reference.Assemblies.Net100,
/// the installed Microsoft.AspNetCore.App shared framework (no reference package of it is on the mirror), and the
/// Declarative.Auth runtime.
/// </summary>
public static class References
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_all = new(Load);

    /// <summary>Everything an ASP.NET Core app using Declarative.Auth compiles against.</summary>
    public static IReadOnlyList<MetadataReference> All => s_all.Value;

    /// <summary>
    /// For the *.Testing packages: no reference-assembly package to download (the mirror has none of theirs);
    /// the tests add <see cref="All"/> as additional references instead.
    /// </summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>The folder of the installed ASP.NET Core shared framework matching this runtime (or the newest).</summary>
    public static string AspNetCoreDirectory
    {
        get
        {
            var netCoreDir = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
            var sharedRoot = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(netCoreDir))!, "Microsoft.AspNetCore.App");
            var sameVersion = Path.Combine(sharedRoot, Path.GetFileName(netCoreDir));
            return Directory.Exists(sameVersion) ? sameVersion : Directory.GetDirectories(sharedRoot).OrderBy(d => d, StringComparer.Ordinal).Last();
        }
    }

    private static IReadOnlyList<MetadataReference> Load()
    {
        var aspNetCore = Directory.GetFiles(AspNetCoreDirectory, "*.dll")
            .Where(IsManagedAssembly)
            .Order(StringComparer.Ordinal)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f));
        return Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Concat(aspNetCore)
            .Append(MetadataReference.CreateFromFile(typeof(RequiresKeyAttribute).Assembly.Location))
            .ToImmutableArray();
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
