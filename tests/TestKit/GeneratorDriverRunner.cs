using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Declarative.Auth.TestKit;

/// <summary>The outcome of one generator run over a test compilation.</summary>
/// <param name="Driver">The driver after the run; run it again to check incrementality.</param>
/// <param name="Input">The compilation the generator saw.</param>
/// <param name="Output">The compilation with the generated sources added.</param>
/// <param name="Result">The driver's run result, with tracked steps.</param>
/// <param name="Sources">Generated sources by hint name.</param>
public sealed record GeneratorRun(
    GeneratorDriver Driver,
    Compilation Input,
    Compilation Output,
    GeneratorDriverRunResult Result,
    IReadOnlyDictionary<string, string> Sources)
{
    /// <summary>The one generated source with <paramref name="hintName"/>; fails when it was not generated.</summary>
    public string Source(string hintName)
    {
        Assert.True(Sources.TryGetValue(hintName, out var text), $"'{hintName}' was not generated; got: {string.Join(", ", Sources.Keys)}");
        return text!;
    }
}

/// <summary>
/// Runs an incremental generator the way the compiler does (CSharpGeneratorDriver, step tracking on) and checks
/// the things every generator test must hold: the output compiles without errors, no generator diagnostics are
/// errors, and (with <see cref="IncrementalityAssert"/>) unrelated edits leave every tracked step cached.
/// </summary>
public static class GeneratorDriverRunner
{
    /// <summary>Runs <paramref name="generator"/> once over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(
        IIncrementalGenerator generator,
        Compilation compilation,
        AnalyzerConfigOptionsProvider? options = null,
        bool allowErrors = false)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { generator.AsSourceGenerator() },
            additionalTexts: null,
            parseOptions: (CSharpParseOptions)(compilation.SyntaxTrees.FirstOrDefault()?.Options ?? TestCompilation.ParseOptions),
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return RunAgain(driver, compilation, allowErrors);
    }

    /// <summary>Runs an existing driver (keeping its caches) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun RunAgain(GeneratorDriver driver, Compilation compilation, bool allowErrors = false)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        foreach (var generatorResult in result.Results)
            Assert.True(generatorResult.Exception is null, $"The generator threw: {generatorResult.Exception}");
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        if (!allowErrors)
        {
            var errors = TestCompilation.Errors(output);
            Assert.True(errors.Length == 0, "The output compilation has errors:\n" + string.Join("\n", errors));
        }
        var sources = result.Results
            .SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        return new GeneratorRun(driver, compilation, output, result, sources);
    }

    /// <summary>Warnings of the output compilation (generated code must compile warning-free).</summary>
    public static string[] Warnings(Compilation compilation, string? pathEndsWith = null)
        => compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning)
            .Where(d => pathEndsWith is null || (d.Location.SourceTree?.FilePath.EndsWith(pathEndsWith, StringComparison.Ordinal) ?? false))
            .Select(d => d.ToString())
            .ToArray();
}

/// <summary>Global analyzer-config options (e.g. <c>build_property.ProjectDir</c>) for a generator run.</summary>
public sealed class TestAnalyzerConfigOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly Options _global;

    public TestAnalyzerConfigOptionsProvider(IReadOnlyDictionary<string, string> globalOptions)
    {
        _global = new Options(globalOptions);
        Global = globalOptions;
    }

    /// <summary>The global options, e.g. to hand the same ones to Microsoft.CodeAnalysis.Testing as a .globalconfig.</summary>
    public IReadOnlyDictionary<string, string> Global { get; }

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

        private readonly IReadOnlyDictionary<string, string> _values;

        public Options(IReadOnlyDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, out string value)
        {
            if (_values.TryGetValue(key, out var found))
            {
                value = found;
                return true;
            }
            value = null!;
            return false;
        }
    }
}
