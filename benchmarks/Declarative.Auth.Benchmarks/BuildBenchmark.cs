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
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var sdk = SdkAnalyzers.Load();
        // A build runs in the compiler server, whose JIT is warm: two untimed passes over the big project first.
        var big = Sources(groups: 15, controllers: 50);
        await MeasureAsync(Sources(groups: 1, controllers: 1), references, sdk, rounds: 1, report: null);
        await MeasureAsync(big, references, sdk, rounds: 2, report: null);
        // 500 endpoints: the ratio to 2,000 says whether the cost grows linearly (4x) or worse.
        await MeasureAsync(Sources(groups: 4, controllers: 10), references, sdk, rounds, report: "500");
        var ok = await MeasureAsync(big, references, sdk, rounds, report: "2,000");
        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(List<(string Path, string Text)> sources, IReadOnlyList<MetadataReference> references,
        SdkAnalyzers.Set? sdk, int rounds, string? report)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, Parse, path: s.Path)).ToArray();
        CSharpCompilation Fresh() => CSharpCompilation.Create("Generated2000", trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var ours = typeof(Declarative.Auth.Analyzers.MissingAuthDeclarationAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var sdkAnalyzers = sdk?.Analyzers ?? [];
        static CompilationWithAnalyzersOptions Options(bool telemetry) => new(new AnalyzerOptions([]), onAnalyzerException: null,
            concurrentAnalysis: true, logAnalyzerExecutionTime: telemetry, reportSuppressedDiagnostics: false);

        // What we add to a build is the difference of two whole builds of fresh compilations of the same parsed trees:
        //   without us: the compiler's binding and diagnostics, with the analyzers the SDK runs in every web project;
        //   with us:    our generator's run, then the same on its output with our analyzers added to the same driver
        //               (so, as in a real build, ours and ASP.NET Core's analyzers share the driver's semantic models).
        // Rounds alternate so drift hits both sides; medians are compared. Also kept: the bare compiler (no SDK
        // analyzers) and the SDK's own request delegate generator over the same Map calls, as reference points.
        var without = new List<double>();
        var with = new List<double>();
        var generator = new List<double>();
        var bare = new List<double>();
        var bareWithOurs = new List<double>();
        var rdg = new List<double>();
        var outputSdk = new List<double>();
        GeneratorDriver driver = null!;
        CSharpCompilation compilation = null!;
        Compilation output = null!;
        ImmutableArray<Diagnostic> generatorDiagnostics = default;
        var diagnostics = ImmutableArray<Diagnostic>.Empty;
        var watch = new Stopwatch();
        for (var round = 0; round < rounds; round++)
        {
            watch.Restart();
            _ = sdkAnalyzers.IsEmpty ? Fresh().GetDiagnostics() : await Fresh().WithAnalyzers(sdkAnalyzers, Options(false)).GetAllDiagnosticsAsync();
            without.Add(watch.Elapsed.TotalMilliseconds);

            // A fresh driver over a fresh compilation, as a full build does.
            driver = CSharpGeneratorDriver.Create(
                [new Declarative.Auth.Generator.DeclarativeAuthGenerator().AsSourceGenerator()],
                parseOptions: Parse,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            compilation = Fresh();
            watch.Restart();
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out output, out generatorDiagnostics);
            generator.Add(watch.Elapsed.TotalMilliseconds);
            diagnostics = await output.WithAnalyzers(sdkAnalyzers.AddRange(ours), Options(false)).GetAllDiagnosticsAsync();
            with.Add(watch.Elapsed.TotalMilliseconds);

            if (report is null)
                continue;
            watch.Restart();
            _ = Fresh().GetDiagnostics();
            bare.Add(watch.Elapsed.TotalMilliseconds);
            // The generator's output under the compiler and the SDK's analyzers only: (this - without) is what compiling
            // the generated table costs, apart from our analyzers.
            var sdkOnly = output.Clone();
            watch.Restart();
            _ = sdkAnalyzers.IsEmpty ? sdkOnly.GetDiagnostics() : await sdkOnly.WithAnalyzers(sdkAnalyzers, Options(false)).GetAllDiagnosticsAsync();
            outputSdk.Add(watch.Elapsed.TotalMilliseconds);
            var generated = output.Clone();
            watch.Restart();
            _ = await generated.WithAnalyzers(ours, Options(false)).GetAllDiagnosticsAsync();
            bareWithOurs.Add(watch.Elapsed.TotalMilliseconds + generator[^1]);
            if (sdk is { RequestDelegateGenerator.IsEmpty: false })
            {
                var rdgDriver = CSharpGeneratorDriver.Create(sdk.RequestDelegateGenerator, parseOptions: Parse, optionsProvider: new RdgOptions());
                var rdgInput = Fresh();
                watch.Restart();
                rdgDriver.RunGeneratorsAndUpdateCompilation(rdgInput, out _, out _);
                rdg.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        if (report is null)
            return true;

        var run = driver.GetRunResult();
        var generatedRows = run.Results.SelectMany(r => r.GeneratedSources).Sum(s => s.SourceText.Lines.Count);
        var rowCount = TableRows(run.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var ourDiagnostics = diagnostics.Where(d => d.Id.StartsWith("DAUTH", StringComparison.Ordinal) || d.Id == "AD0001").ToArray();
        // Telemetry, once, untimed: each analyzer's callback time (it includes waits for binding done by others).
        var telemetry = (await output.Clone().WithAnalyzers(ours, Options(true)).GetAnalysisResultAsync(CancellationToken.None)).AnalyzerTelemetryInfo;

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

        var added = Median(with) - Median(without);
        var baseline = sdkAnalyzers.IsEmpty ? "compiler" : $"compiler + the SDK's {sdkAnalyzers.Length} ASP.NET Core analyzers";
        if (report == "500")
        {
            Summary.Row("build", $"500 endpoints (scaling): build without us / with us / added", $"{Summary.F(Median(without), "0")} / {Summary.F(Median(with), "0")} / {Summary.F(added, "0")} ms");
            return true;
        }
        Console.WriteLine($"build: generator diagnostics {generatorDiagnostics.Length}; output errors {errors.Length}; generated lines {generatedRows}; table rows {rowCount}");
        foreach (var e in errors.Take(5))
            Console.WriteLine("  " + e);
        foreach (var (analyzer, info) in telemetry)
            Console.WriteLine($"  {analyzer.GetType().Name}: {info.ExecutionTime.TotalMilliseconds:0.0} ms");
        foreach (var d in ourDiagnostics.Take(5))
            Console.WriteLine("  " + d);
        Console.WriteLine("rounds (ms): without " + string.Join(", ", without.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))
            + " | with " + string.Join(", ", with.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))
            + " | generator " + string.Join(", ", generator.Select(v => v.ToString("0", CultureInfo.InvariantCulture))));
        Console.WriteLine("incremental step reasons: " + string.Join(", ", reasons.Select(kv => $"{kv.Key}={kv.Value}")) + "; output: " + string.Join(",", outputReasons));
        foreach (var n in notCached.Distinct().Take(10))
            Console.WriteLine("  not cached: " + n);

        Summary.Row("build", "2,000 endpoints: table rows generated / compile errors / DAUTH diagnostics", $"{rowCount} / {errors.Length} / {ourDiagnostics.Length}", "2000 / 0 / 0", Summary.Met(rowCount == 2000 && errors.Length == 0 && ourDiagnostics.Length == 0));
        Summary.Row("build", $"web build without us: {baseline} (median of {rounds}, warm)", Summary.F(Median(without), "0") + " ms");
        Summary.Row("build", "web build with us: our generator, then the same with our analyzers added", Summary.F(Median(with), "0") + " ms");
        Summary.Row("build", "generator + analyzers added to the build", Summary.F(added, "0") + " ms", "<= 1000 ms", Summary.Met(added <= 1000));
        Summary.Row("build", "  of which our generator's run", Summary.F(Median(generator), "0") + " ms");
        Summary.Row("build", "  of which compiling the generated code (its output without our analyzers, minus without us)", Summary.F(Median(outputSdk) - Median(without), "0") + " ms");
        Summary.Row("build", "  of which our analyzers (with us, minus generator, minus its output without our analyzers)", Summary.F(Median(with) - Median(generator) - Median(outputSdk), "0") + " ms");
        Summary.Row("build", "  bare compiler (no SDK analyzers): without us / with us / added", $"{Summary.F(Median(bare), "0")} / {Summary.F(Median(bareWithOurs), "0")} / {Summary.F(Median(bareWithOurs) - Median(bare), "0")} ms");
        if (rdg.Count > 0)
            Summary.Row("build", "  reference: the SDK's RequestDelegateGenerator on the same project", Summary.F(Median(rdg), "0") + " ms");
        Summary.Row("build", "incremental rerun after a handler-body edit", Summary.F(incrementalMs, "0") + " ms");
        Summary.Row("build", $"incremental: reasons of the generator's {own.Count} named steps", string.Join(" ", reasons.Select(kv => $"{kv.Key}={kv.Value}")) + $"; source output {string.Join(",", outputReasons)}; Roslyn-internal FAWMN outputs re-run: {internalModified}", "all Cached/Unchanged", Summary.Met(notCached.Count == 0));
        return true;
    }

    /// <summary>What the SDK passes when <c>EnableRequestDelegateGenerator</c> is true.</summary>
    private sealed class RdgOptions : AnalyzerConfigOptionsProvider
    {
        private static readonly Options Global = new(new Dictionary<string, string>(StringComparer.Ordinal) { ["build_property.EnableRequestDelegateGenerator"] = "true" });
        private static readonly Options Empty = new(new Dictionary<string, string>(StringComparer.Ordinal));

        public override AnalyzerConfigOptions GlobalOptions => Global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// The rows of the generated route table, in either form a build under comparison writes: one object creation per
    /// row (before 2026-11-30) or the text table (one "\n"-escaped line per row after a version line).
    /// </summary>
    public static int TableRows(IEnumerable<string> generatedSources)
    {
        var manifest = generatedSources.FirstOrDefault(s => s.Contains("class DeclarativeAuthManifest", StringComparison.Ordinal)) ?? "";
        var objects = CountOccurrences(manifest, "new global::Declarative.Auth.EndpointEntry(");
        if (objects > 0)
            return objects;
        var at = manifest.IndexOf("Permissions.All,", StringComparison.Ordinal);
        var end = at < 0 ? -1 : manifest.IndexOf(");", at, StringComparison.Ordinal);
        return end < 0 ? 0 : CountOccurrences(manifest[at..end], "\\n") - 1;
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
