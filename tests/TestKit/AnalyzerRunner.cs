using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Declarative.Auth.TestKit;

/// <summary>One diagnostic, reduced to what tests compare: id, file, 1-based line and column, message.</summary>
public sealed record ReportedDiagnostic(string Id, string Path, int Line, int Column, string Message)
{
    public override string ToString() => $"{Id} {Path}({Line},{Column}): {Message}";
}

/// <summary>Runs analyzers over a compilation with <see cref="CompilationWithAnalyzers"/> (no *.Testing packages).</summary>
public static class AnalyzerRunner
{
    /// <summary>
    /// Asserts the compilation has no errors, runs <paramref name="analyzers"/> and returns their diagnostics,
    /// sorted by file and position. An analyzer that throws fails the test.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> RunAsync(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
    {
        var errors = TestCompilation.Errors(compilation);
        Assert.True(errors.Length == 0, "The test source does not compile:\n" + string.Join("\n", errors));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await compilation.WithAnalyzers([.. analyzers], options).GetAnalyzerDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, "An analyzer threw:\n" + string.Join("\n", exceptions));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return [.. diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)];
    }

    /// <summary>The diagnostics as comparable records (1-based line and column of the start).</summary>
    public static IReadOnlyList<ReportedDiagnostic> Describe(IEnumerable<Diagnostic> diagnostics)
        => diagnostics.Select(d =>
        {
            var position = d.Location.GetLineSpan();
            return new ReportedDiagnostic(
                d.Id,
                position.Path,
                position.StartLinePosition.Line + 1,
                position.StartLinePosition.Character + 1,
                d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }).ToArray();
}
