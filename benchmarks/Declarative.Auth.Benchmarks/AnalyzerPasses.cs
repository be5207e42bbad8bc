using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// <c>analyzer-passes &lt;dir&gt; [passes]</c> (benchmarks/profile-analyzers.sh): only our analyzers' own work, to be traced.
/// Each pass takes a fresh compilation of the 2,000-endpoint project of <see cref="BuildBenchmark"/>, runs ASP.NET Core's
/// SDK analyzers on it first (they bind every body into the driver's cached models, as they do in a real build), then the
/// analyzers of the build in <c>dir</c> (Declarative.Auth.Analyzers.dll, in its own load context) on the same
/// <see cref="CompilationWithAnalyzers"/>. The CPU samples inside <c>Declarative.Auth.Analyzers</c> frames of two builds'
/// traces compare their work even on a loaded machine (a sample is taken only while a thread runs).
/// </summary>
public static class AnalyzerPasses
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: analyzer-passes <build dir> [passes]");
            return 2;
        }
        var passes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
        var dir = Path.GetFullPath(args[0]);
        var context = new Context(dir);
        var ours = context.LoadFromAssemblyPath(Path.Combine(dir, "Declarative.Auth.Analyzers.dll")).GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
        var sdk = SdkAnalyzers.Load()?.Analyzers ?? [];
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = BuildBenchmark.Sources(groups: 15, controllers: 50).Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, path: s.Path)).ToArray();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
            concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var cpu = new List<double>();
        var reported = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            var compilation = CSharpCompilation.Create("Generated2000", trees, Declarative.Auth.TestKit.References.All,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            var driver = compilation.WithAnalyzers(sdk.AddRange(ours), options);
            _ = await driver.GetAnalyzerDiagnosticsAsync(sdk, CancellationToken.None);
            var start = Process.GetCurrentProcess().TotalProcessorTime;
            reported = (await driver.GetAnalyzerDiagnosticsAsync(ours, CancellationToken.None)).Count(d => d.Id.StartsWith("DAUTH", StringComparison.Ordinal) || d.Id == "AD0001");
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - start).TotalMilliseconds);
        }
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ours.Length} analyzers from {dir}, {sdk.Length} SDK analyzers first; {passes} passes: process CPU of ours median {cpu[cpu.Count / 2]:0} ms, min {cpu[0]:0}; DAUTH/AD0001 diagnostics {reported}"));
        return reported == 0 ? 0 : 1;
    }

    /// <summary>Our analyzers from the build's directory; Roslyn and the framework from the host, so the types match.</summary>
    private sealed class Context(string dir) : AssemblyLoadContext(isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            return name.Name!.StartsWith("Declarative.Auth", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
