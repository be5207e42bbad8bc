using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// Build cost of 2,000 endpoints (1,500 minimal-API endpoints in route groups and with handler attributes,
/// 500 controller actions): the generator's run (CSharpGeneratorDriver), the analyzers' run
/// (CompilationWithAnalyzers, with per-analyzer execution time) next to the compiler's own binding of the same
/// code, and the generator's incremental rerun after an edit that changes no endpoint, with its step reasons.
/// Roslyn and our code are JIT-warmed first on a small project, as in a compiler server.
/// </summary>
public static class BuildBenchmark
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    public static async Task<int> RunAsync(string[] args)
    {
        var references = Declarative.Auth.TestKit.References.All;
        await MeasureAsync(Sources(groups: 1, controllers: 1), references, report: null); // warm-up
        // 500 endpoints first: the ratio to 2,000 says whether the cost grows linearly (4x) or worse.
        await MeasureAsync(Sources(groups: 4, controllers: 10), references, report: "500");
        var ok = await MeasureAsync(Sources(groups: 15, controllers: 50), references, report: "2,000");
        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(List<(string Path, string Text)> sources, IReadOnlyList<MetadataReference> references, string? report)
    {
        var compilation = CSharpCompilation.Create("Generated2000",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, Parse, path: s.Path)),
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        // Generator: a fresh driver over a fresh compilation, as a full build does.
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new Declarative.Auth.Generator.DeclarativeAuthGenerator().AsSourceGenerator()],
            parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var watch = Stopwatch.StartNew();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generatorMs = watch.Elapsed.TotalMilliseconds;
        var run = driver.GetRunResult();
        var generatedRows = run.Results.SelectMany(r => r.GeneratedSources).Sum(s => s.SourceText.Lines.Count);
        var manifest = run.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()).FirstOrDefault() ?? "";
        var rowCount = CountOccurrences(manifest, "new global::Declarative.Auth.EndpointEntry(");
        if (rowCount == 0)
            rowCount = CountOccurrences(manifest, "EndpointEntry(");

        // The compiler's own binding of the same code (what a build pays anyway), on a fresh copy.
        watch.Restart();
        var errors = output.Clone().GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var compileMs = watch.Elapsed.TotalMilliseconds;

        // Analyzers, on another fresh copy: wall time includes the binding they force; telemetry gives their own time.
        var analyzers = typeof(Declarative.Auth.Analyzers.MissingAuthDeclarationAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var withAnalyzers = output.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        watch.Restart();
        var analysis = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        var analyzersWallMs = watch.Elapsed.TotalMilliseconds;
        var analyzerOwnMs = analysis.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds);
        var analyzerDiagnostics = analysis.GetAllDiagnostics().Where(d => d.Id.StartsWith("DAUTH", StringComparison.Ordinal) || d.Id == "AD0001").ToArray();

        // Incremental: an edit inside a handler body (no endpoint, route or declaration changes).
        var edited = compilation.SyntaxTrees.First(t => t.FilePath == "Endpoints0.cs");
        var text = edited.GetText().ToString();
        var at = text.IndexOf("\"ok\"", StringComparison.Ordinal);
        var newTree = edited.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text[..at] + "\"edited\"" + text[(at + 4)..]));
        var next = compilation.ReplaceSyntaxTree(edited, newTree);
        watch.Restart();
        driver = driver.RunGenerators(next);
        var incrementalMs = watch.Elapsed.TotalMilliseconds;
        // The generator's own named steps (TrackingNames); Roslyn's internal steps (ForAttributeWithMetadataName's
        // "Compilation", "compilationUnit_ForAttribute", ...) always see the edited tree and are counted apart.
        var own = typeof(Declarative.Auth.Generator.DeclarativeAuthGenerator).Assembly.GetType("Declarative.Auth.Generator.TrackingNames")!
            .GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var notCached = new List<string>();
        var internalModified = 0;
        foreach (var (name, steps) in driver.GetRunResult().Results.SelectMany(r => r.TrackedSteps))
        {
            if (!own.Contains(name))
            {
                internalModified += steps.SelectMany(s => s.Outputs).Count(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
                continue;
            }
            foreach (var (_, reason) in steps.SelectMany(s => s.Outputs))
            {
                reasons[reason.ToString()] = reasons.GetValueOrDefault(reason.ToString()) + 1;
                if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    notCached.Add($"{name}:{reason}");
            }
        }
        var outputReasons = driver.GetRunResult().Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason.ToString()).Distinct().ToArray();

        if (report is null)
            return true;
        if (report == "500")
        {
            Summary.Row("build", "500 endpoints (scaling): generator / analyzers' own / compiler binding", $"{Summary.F(generatorMs, "0")} / {Summary.F(analyzerOwnMs, "0")} / {Summary.F(compileMs, "0")} ms");
            return true;
        }
        Console.WriteLine($"build: generator diagnostics {generatorDiagnostics.Length}; output errors {errors.Length}; generated lines {generatedRows}; table rows {rowCount}");
        foreach (var e in errors.Take(5))
            Console.WriteLine("  " + e);
        foreach (var (analyzer, info) in analysis.AnalyzerTelemetryInfo)
            Console.WriteLine($"  {analyzer.GetType().Name}: {info.ExecutionTime.TotalMilliseconds:0.0} ms");
        foreach (var d in analyzerDiagnostics.Take(5))
            Console.WriteLine("  " + d);
        Console.WriteLine("incremental step reasons: " + string.Join(", ", reasons.Select(kv => $"{kv.Key}={kv.Value}")) + "; output: " + string.Join(",", outputReasons));
        foreach (var n in notCached.Distinct().Take(10))
            Console.WriteLine("  not cached: " + n);

        var total = generatorMs + analyzerOwnMs;
        Summary.Row("build", "2,000 endpoints: table rows generated / compile errors / DAUTH diagnostics", $"{rowCount} / {errors.Length} / {analyzerDiagnostics.Length}", "2000 / 0 / 0", Summary.Met(rowCount == 2000 && errors.Length == 0 && analyzerDiagnostics.Length == 0));
        Summary.Row("build", "generator, first run (warm JIT)", Summary.F(generatorMs, "0") + " ms");
        Summary.Row("build", $"analyzers' own execution time ({analyzers.Length} analyzers, telemetry)", Summary.F(analyzerOwnMs, "0") + " ms");
        Summary.Row("build", "analyzers wall time incl. binding they force", Summary.F(analyzersWallMs, "0") + " ms");
        Summary.Row("build", "context: compiler binding + diagnostics, no analyzers", Summary.F(compileMs, "0") + " ms");
        Summary.Row("build", "generator + analyzers added", Summary.F(total, "0") + " ms", "<= 1000 ms", Summary.Met(total <= 1000));
        Summary.Row("build", "incremental rerun after a handler-body edit", Summary.F(incrementalMs, "0") + " ms");
        Summary.Row("build", $"incremental: reasons of the generator's {own.Count} named steps", string.Join(" ", reasons.Select(kv => $"{kv.Key}={kv.Value}")) + $"; source output {string.Join(",", outputReasons)}; Roslyn-internal FAWMN outputs re-run: {internalModified}", "all Cached/Unchanged", Summary.Met(notCached.Count == 0));
        return true;
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>groups × 100 minimal endpoints and controllers × 10 actions.</summary>
    public static List<(string Path, string Text)> Sources(int groups, int controllers)
    {
        var files = new List<(string, string)>();
        var program = new StringBuilder("""
            using Bench.Areas;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddControllers();
            var app = builder.Build();
            app.UseDeclarativeAuth();

            """);
        for (var g = 0; g < groups; g++)
            program.Append(CultureInfo.InvariantCulture, $"app.MapArea{g}();\n");
        program.Append("app.MapControllers();\napp.Run();\n");
        files.Add(("Program.cs", program.ToString()));

        for (var g = 0; g < groups; g++)
        {
            var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $$"""
                namespace Bench.Areas;

                public static class Area{{g}}Endpoints
                {
                    public static IEndpointRouteBuilder MapArea{{g}}(this IEndpointRouteBuilder app)
                    {
                        var group = app.MapGroup("/area{{g}}").RequireKey(KeyType.Read, "area{{g}}");

                """));
            for (var i = 0; i < 100; i++)
            {
                switch (i % 4)
                {
                    case 0: sb.Append(CultureInfo.InvariantCulture, $"        group.MapGet(\"/items{i}/{{id}}\", (int id) => \"ok\");\n"); break;
                    case 1: sb.Append(CultureInfo.InvariantCulture, $"        group.MapPost(\"/items{i}\", [RequiresKey(KeyType.Write, Scope = \"area{g}\")] (Item item) => Results.Ok(item));\n"); break;
                    case 2: sb.Append(CultureInfo.InvariantCulture, $"        app.MapDelete(\"/area{g}/items{i}/{{id}}\", [RequiresKey(KeyType.Delete, Scope = \"s{i % 50}\")] (int id) => Results.NoContent());\n"); break;
                    default: sb.Append(CultureInfo.InvariantCulture, $"        app.MapGet(\"/area{g}/public{i}\", () => \"ok\").AllowAnonymous();\n"); break;
                }
            }
            sb.Append("        return app;\n    }\n}\n\npublic sealed record Item(int Id, string Name);\n".Replace("Item(", $"Item{g}(", StringComparison.Ordinal));
            files.Add(($"Endpoints{g}.cs", sb.ToString().Replace("(Item item)", $"(Item{g} item)", StringComparison.Ordinal)));
        }

        for (var c = 0; c < controllers; c++)
        {
            var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $$"""
                namespace Bench.Controllers;

                [ApiController]
                [Route("c{{c}}")]
                [RequiresKey(KeyType.Read, Scope = "c{{c % 20}}")]
                public sealed class Things{{c}}Controller : ControllerBase
                {

                """));
            for (var j = 0; j < 10; j++)
            {
                sb.Append(j % 2 == 0
                    ? $"    [HttpGet(\"a{j}/{{id}}\")]\n    public string Get{j}(int id) => \"ok\";\n"
                    : $"    [HttpPost(\"a{j}\")]\n    [RequiresKey(KeyType.Write, Scope = \"c{c % 20}\")]\n    public IActionResult Post{j}() => Ok();\n");
            }
            sb.Append("}\n");
            files.Add(($"Controller{c}.cs", sb.ToString()));
        }
        files.Add(("GlobalUsings.g.cs", Declarative.Auth.TestKit.TestCompilation.GlobalUsings));
        return files;
    }
}
