using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Microsoft.CodeAnalysis.Testing's source-generator test for a small ASP.NET Core app (as <see cref="AppAnalyzerTest"/>):
/// the package runs <typeparamref name="TGenerator"/> in its own workspace and must get exactly the expected generated
/// files and generator diagnostics, with an output that compiles.
/// </summary>
public sealed class AppGeneratorTest<TGenerator> : CSharpSourceGeneratorTest<TGenerator, DefaultVerifier>
    where TGenerator : new()
{
    private readonly string _assemblyName;

    public AppGeneratorTest(string assemblyName = "TestApp")
    {
        _assemblyName = assemblyName;
        ReferenceAssemblies = References.None;
        TestState.OutputKind = OutputKind.ConsoleApplication;
        TestState.AdditionalReferences.AddRange(References.All);
    }

    /// <summary>The generated text is named after the assembly, so the project is too.</summary>
    protected override Project ApplyCompilationOptions(Project project)
        => base.ApplyCompilationOptions(project).Solution.WithProjectAssemblyName(project.Id, _assemblyName).GetProject(project.Id)!;

    protected override CompilationOptions CreateCompilationOptions()
        => new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestCompilation.ParseOptions;

    /// <summary>
    /// The package's check of a run made by <see cref="GeneratorDriverRunner"/>: same inputs and global options, and
    /// the generated files and diagnostics that run produced are what the package must produce too.
    /// </summary>
    public static async Task VerifyAsync(GeneratorRun run, string assemblyName, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var test = new AppGeneratorTest<TGenerator>(assemblyName);
        foreach (var tree in run.Input.SyntaxTrees)
            test.TestState.Sources.Add((tree.FilePath, SourceText.From((await tree.GetTextAsync()).ToString(), Encoding.UTF8)));
        if (globalOptions is { Count: > 0 })
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + string.Join("\n", globalOptions.Select(o => $"{o.Key} = {o.Value}"))));
        foreach (var (hintName, text) in run.Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
            test.TestState.GeneratedSources.Add((typeof(TGenerator), hintName, SourceText.From(text, Encoding.UTF8)));
        test.TestState.ExpectedDiagnostics.AddRange(run.Result.Diagnostics.Select(AppCodeFixTest.Expect));
        await test.RunAsync();
    }
}
