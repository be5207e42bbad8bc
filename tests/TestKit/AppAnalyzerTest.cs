using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Microsoft.CodeAnalysis.Testing's analyzer test for a small ASP.NET Core app (an executable, nullable on, the
/// preview language, <see cref="References.All"/>), running analyzer instances rather than one analyzer type, and
/// keeping the diagnostics of the main run so a test can look at their messages after the package has matched them.
/// </summary>
public sealed class AppAnalyzerTest : AnalyzerTest<DefaultVerifier>
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly HashSet<string> _ids;
    private ImmutableArray<Diagnostic>? _reported;

    public AppAnalyzerTest(IEnumerable<DiagnosticAnalyzer> analyzers)
    {
        _analyzers = [.. analyzers];
        _ids = _analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        ReferenceAssemblies = References.None;
        TestState.OutputKind = OutputKind.ConsoleApplication; // the package's default, a library, rejects top-level statements
        TestState.AdditionalReferences.AddRange(References.All);
    }

    public override string Language => LanguageNames.CSharp;

    protected override string DefaultFileExt => "cs";

    /// <summary>The analyzers' diagnostics of the main run (not the package's generated-code or suppression reruns), by file and position.</summary>
    public ImmutableArray<Diagnostic> Reported => _reported ?? throw new InvalidOperationException("Run the test first.");

    /// <summary>The descriptor the analyzers declare for <paramref name="id"/>, for building expected results.</summary>
    public DiagnosticDescriptor Descriptor(string id)
        => _analyzers.SelectMany(a => a.SupportedDiagnostics).FirstOrDefault(d => d.Id == id)
           ?? throw new ArgumentException($"None of the analyzers reports {id}.", nameof(id));

    protected override CompilationOptions CreateCompilationOptions()
        => new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestCompilation.ParseOptions;

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => _analyzers;

    protected override ImmutableArray<(Project project, Diagnostic diagnostic)> FilterDiagnostics(ImmutableArray<(Project project, Diagnostic diagnostic)> diagnostics)
    {
        var filtered = base.FilterDiagnostics(diagnostics);
        _reported ??= [.. filtered.Select(d => d.diagnostic)
            .Where(d => _ids.Contains(d.Id))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)];
        return filtered;
    }
}
