using System.Collections.Immutable;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// Runs DAUTH001 over marked-up sources and asserts the exact set of diagnostics: every
/// <c>{|DAUTH001:name|}</c> / <c>[|name|]</c> span fires (same start and length), nothing else does, and, when
/// given, the messages in source order.
/// </summary>
internal static class Verify
{
    public const string Id = "DAUTH001";

    /// <summary>A Program.cs for sources that bring no entry point of their own (controller-only tests).</summary>
    public const string EmptyProgram = """
        var app = WebApplication.Create(args);
        app.Run();
        """;

    public static Task<IReadOnlyList<ReportedDiagnostic>> ProgramAsync(string markup, params string[] messages)
        => FilesAsync([("Program.cs", markup)], messages);

    public static Task<IReadOnlyList<ReportedDiagnostic>> ControllersAsync(string markup, params string[] messages)
        => FilesAsync([("Program.cs", EmptyProgram), ("Controllers.cs", markup)], messages);

    public static Task<IReadOnlyList<ReportedDiagnostic>> FilesAsync((string Path, string Markup)[] files, params string[] messages)
        => WithAsync([new MissingAuthDeclarationAnalyzer()], files, messages);

    /// <summary>Every analyzer of the package: DAUTH001 to the last.</summary>
    public static DiagnosticAnalyzer[] AllAnalyzers() =>
        [new MissingAuthDeclarationAnalyzer(), new DeclarationAnalyzer(), new ContradictionAnalyzer(), new DuplicateRouteAnalyzer()];

    /// <summary>Runs <paramref name="analyzers"/> over marked-up Program.cs; spans marked <c>{|DAUTHnnn:x|}</c>, messages in source order.</summary>
    public static Task<IReadOnlyList<ReportedDiagnostic>> ProgramWithAsync(DiagnosticAnalyzer analyzer, string markup, params string[] messages)
        => WithAsync([analyzer], [("Program.cs", markup)], messages);

    public static async Task<IReadOnlyList<ReportedDiagnostic>> WithAsync(DiagnosticAnalyzer[] analyzers, (string Path, string Markup)[] files, params string[] messages)
    {
        var expected = new List<(string Id, string Path, int Line, int Column, int Length)>();
        var sources = new List<(string Path, string Text)>();
        foreach (var (path, markup) in files)
        {
            var (source, spans) = Markup.Parse(markup);
            sources.Add((path, source));
            var text = SourceText.From(source);
            foreach (var span in spans)
            {
                var position = text.Lines.GetLinePosition(span.Span.Start);
                expected.Add((span.Id ?? Id, path, position.Line + 1, position.Character + 1, span.Span.Length));
            }
        }

        var compilation = TestCompilation.Create(sources);
        var diagnostics = await AnalyzerRunner.RunAsync(compilation, analyzers);
        var actual = AnalyzerRunner.Describe(diagnostics);
        var actualKeys = diagnostics.Zip(actual, (d, r) => (r.Id, r.Path, r.Line, r.Column, d.Location.SourceSpan.Length)).ToList();

        var expectedSorted = expected.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
        var actualSorted = actualKeys.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
        Assert.True(
            expectedSorted.SequenceEqual(actualSorted),
            "Expected:\n  " + string.Join("\n  ", expectedSorted) + "\nActual:\n  " + string.Join("\n  ", actual));

        if (messages.Length > 0)
        {
            var ordered = actual.OrderBy(a => a.Path, StringComparer.Ordinal).ThenBy(a => a.Line).ThenBy(a => a.Column).Select(a => a.Message);
            Assert.Equal(messages, ordered);
        }
        return actual;
    }

    /// <summary>Asserts DAUTH001 is raised nowhere in the sources.</summary>
    public static Task NoneAsync(string program) => ProgramAsync(program);

    public static ImmutableArray<Diagnostic> Empty => [];
}
