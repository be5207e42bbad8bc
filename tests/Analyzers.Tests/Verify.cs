using System.Collections.Immutable;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// Runs DAUTH001 (or the given analyzers) over marked-up sources with Microsoft.CodeAnalysis.Testing and asserts
/// the exact set of diagnostics: every <c>{|DAUTH001:name|}</c> / <c>[|name|]</c> span fires (same start and
/// end), nothing else does, and, when given, the messages in source order. Returns what was reported.
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
        [new MissingAuthDeclarationAnalyzer(), new DeclarationAnalyzer(), new ContradictionAnalyzer(), new DuplicateRouteAnalyzer(), new OrAuthorizationAnalyzer(),
         new TenantIsolationAnalyzer(), new KeyClassAnalyzer()];

    /// <summary>Runs <paramref name="analyzers"/> over marked-up Program.cs; spans marked <c>{|DAUTHnnn:x|}</c>, messages in source order.</summary>
    public static Task<IReadOnlyList<ReportedDiagnostic>> ProgramWithAsync(DiagnosticAnalyzer analyzer, string markup, params string[] messages)
        => WithAsync([analyzer], [("Program.cs", markup)], messages);

    public static async Task<IReadOnlyList<ReportedDiagnostic>> WithAsync(DiagnosticAnalyzer[] analyzers, (string Path, string Markup)[] files, params string[] messages)
    {
        // Microsoft.CodeAnalysis.Testing compares the exact set (id, file, start and end of each span, and the
        // messages when given), fails on compile errors and analyzer exceptions, and reruns the sources as generated
        // code and under #pragma suppression.
        var test = new AppAnalyzerTest(analyzers);
        var expected = new List<(string Path, int Start, DiagnosticResult Result)>();
        foreach (var (path, markup) in files)
        {
            var (source, spans) = Markup.Parse(markup);
            test.TestState.Sources.Add((path, SourceText.From(source)));
            var text = SourceText.From(source);
            foreach (var span in spans)
            {
                var lines = text.Lines.GetLinePositionSpan(span.Span);
                var descriptor = test.Descriptor(span.Id ?? Id);
                var result = new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity) // no descriptor: messages are checked only when given
                    .WithSpan(path, lines.Start.Line + 1, lines.Start.Character + 1, lines.End.Line + 1, lines.End.Character + 1)
                    .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations); // markup marks the primary span only
                expected.Add((path, span.Span.Start, result));
            }
        }
        test.TestState.Sources.Add(("GlobalUsings.g.cs", SourceText.From(TestCompilation.GlobalUsings)));

        var ordered = expected.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Start).Select(e => e.Result).ToArray();
        if (messages.Length > 0)
        {
            Assert.True(messages.Length == ordered.Length, $"{messages.Length} messages given for {ordered.Length} marked spans.");
            ordered = [.. ordered.Zip(messages, (result, message) => result.WithMessage(message))];
        }
        test.ExpectedDiagnostics.AddRange(ordered);
        await test.RunAsync();
        return AnalyzerRunner.Describe(test.Reported);
    }

    /// <summary>Asserts DAUTH001 is raised nowhere in the sources.</summary>
    public static Task NoneAsync(string program) => ProgramAsync(program);

    public static ImmutableArray<Diagnostic> Empty => [];
}
