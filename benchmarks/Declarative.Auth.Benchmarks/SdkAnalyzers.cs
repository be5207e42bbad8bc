using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// The analyzers and generators the .NET SDK runs in every web project's build, loaded from the installed
/// <c>packs/Microsoft.AspNetCore.App.Ref/&lt;version&gt;/analyzers/dotnet/cs</c>: ASP.NET Core's own route and
/// handler analyzers bind every Map call, so in a real build our analyzers share that binding through the
/// analyzer driver's semantic models. The request delegate generator is loaded apart: it is opt-in
/// (<c>EnableRequestDelegateGenerator</c>, on for AOT), and is the SDK's own generator over the same Map calls.
/// </summary>
internal static class SdkAnalyzers
{
    public sealed record Set(ImmutableArray<DiagnosticAnalyzer> Analyzers, ImmutableArray<ISourceGenerator> RequestDelegateGenerator, string Source);

    public static Set? Load()
    {
        var dotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.AspNetCore.App.Ref");
        if (!Directory.Exists(packs))
            return null;
        var dir = Directory.GetDirectories(packs).OrderBy(d => d, StringComparer.Ordinal).Last();
        var cs = Path.Combine(dir, "analyzers", "dotnet", "cs");
        var loader = new Loader();
        AnalyzerFileReference Ref(string name) => new(Path.Combine(cs, name), loader);
        try
        {
            var analyzers = Ref("Microsoft.AspNetCore.App.Analyzers.dll").GetAnalyzers(LanguageNames.CSharp);
            var rdg = Ref("Microsoft.AspNetCore.Http.RequestDelegateGenerator.dll").GetGenerators(LanguageNames.CSharp);
            return analyzers.IsEmpty ? null : new Set(analyzers, rdg, cs);
        }
        catch (Exception ex) when (ex is FileLoadException or FileNotFoundException or BadImageFormatException or ReflectionTypeLoadException)
        {
            Console.Error.WriteLine($"SDK analyzers not loadable ({ex.GetType().Name}: {ex.Message}); the comparison rows are skipped.");
            return null;
        }
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
