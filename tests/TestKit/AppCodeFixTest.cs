using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Microsoft.CodeAnalysis.Testing's code-fix test for a small ASP.NET Core app (as <see cref="AppAnalyzerTest"/>), over
/// analyzer and provider instances. With <see cref="FixIndex"/> and <see cref="CodeFixTestBehaviors.FixOne"/> it fixes
/// the diagnostic at that index (by file and position), as an IDE user picking one does.
/// </summary>
public sealed class AppCodeFixTest : CodeFixTest<DefaultVerifier>
{
    private readonly DiagnosticAnalyzer _analyzer;
    private readonly CodeFixProvider _provider;

    public AppCodeFixTest(DiagnosticAnalyzer analyzer, CodeFixProvider provider)
    {
        _analyzer = analyzer;
        _provider = provider;
        ReferenceAssemblies = References.None;
        TestState.OutputKind = OutputKind.ConsoleApplication;
        TestState.AdditionalReferences.AddRange(References.All);
    }

    /// <summary>Which fixable diagnostic (by file and position) a <see cref="CodeFixTestBehaviors.FixOne"/> run fixes.</summary>
    public int FixIndex { get; init; }

    public override string Language => LanguageNames.CSharp;

    protected override string DefaultFileExt => "cs";

    public override Type SyntaxKindType => typeof(SyntaxKind);

    protected override CompilationOptions CreateCompilationOptions()
        => new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestCompilation.ParseOptions;

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [_analyzer];

    protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() => [_provider];

    protected override Diagnostic? TrySelectDiagnosticToFix(ImmutableArray<Diagnostic> fixableDiagnostics)
    {
        var ordered = fixableDiagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToArray();
        return FixIndex < ordered.Length ? ordered[FixIndex] : null;
    }

    /// <summary>An expected result for a diagnostic: id, severity, primary span and message.</summary>
    public static DiagnosticResult Expect(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return new DiagnosticResult(diagnostic.Id, diagnostic.Severity)
            .WithSpan(span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1)
            .WithMessage(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);
    }
}
