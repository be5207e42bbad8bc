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
/// <c>ab-build &lt;dirA&gt; &lt;dirB&gt; [rounds]</c> (benchmarks/ab-build.sh): the generator and analyzers of two builds
/// (each directory holds a Declarative.Auth.Generator.dll and Declarative.Auth.Analyzers.dll), each loaded into its own
/// collectible load context, timed on the 2,000-endpoint project of <see cref="BuildBenchmark"/> in alternating rounds
/// (A, B, B, A, ...) in one process. Separate runs of <c>run.sh build</c> on a shared machine drift by more than the
/// differences we look for; here both sides see the same load, so their ratio holds. Each phase is timed in the process's
/// CPU time (all threads: the analyzer driver runs concurrently) as well as on the wall clock: on a machine shared with
/// other builds the CPU time moves far less, since waiting for a core does not count.
/// </summary>
public static class AbBuild
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: ab-build <build dir A> <build dir B> [rounds]");
            return 2;
        }
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        var references = Declarative.Auth.TestKit.References.All;
        var trees = BuildBenchmark.Sources(groups: 15, controllers: 50)
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, Parse, path: s.Path)).ToArray();
        CSharpCompilation Fresh() => CSharpCompilation.Create("Generated2000", trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var sides = args.Take(2).Select(dir => new Side(Path.GetFullPath(dir))).ToArray();
        // 2 warm-up rounds (JIT of Roslyn and of each side), then the measured ones; the order alternates so a load
        // change in the middle of a round hits both sides alike.
        for (var round = 0; round < rounds + 2; round++)
        {
            foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
                await side.RoundAsync(Fresh(), measured: round >= 2);
        }

        var (a, b) = (sides[0], sides[1]);
        string Cell(List<double> v) => string.Create(CultureInfo.InvariantCulture, $"{Median(v),7:0} / {v.Min(),5:0}");
        string Ratio(List<double> now, List<double> then) => string.Create(CultureInfo.InvariantCulture, $"{Median(now) / Median(then):0.00}x");
        void Row(string label, Func<Side, List<double>> of) => Console.WriteLine($"{label,-50} {Cell(of(a)),-16} {Cell(of(b)),-16} {Ratio(of(b), of(a))}");
        static List<double> Minus(List<double> x, List<double> y) => x.Zip(y, (p, q) => p - q).ToList();
        static List<double> Plus(List<double> x, List<double> y) => x.Zip(y, (p, q) => p + q).ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"2,000 endpoints, {rounds} rounds per side after 2 warm-up rounds, alternating; ms median / min"));
        Console.WriteLine($"{"",-50} {"A: " + Path.GetFileName(a.Dir),-16} {"B: " + Path.GetFileName(b.Dir),-16} B/A");
        foreach (var (clock, pick) in new (string, Func<Phase, List<double>>)[] { ("CPU", p => p.Cpu), ("wall", p => p.Wall) })
        {
            Row($"[{clock}] generator run (fresh driver + compilation)", s => pick(s.Generator));
            Row($"[{clock}] compiler diagnostics of its output", s => pick(s.Compiler));
            Row($"[{clock}] the same with all our analyzers", s => pick(s.Analyzers));
            Row($"[{clock}]   our analyzers' share (per-round difference)", s => Minus(pick(s.Analyzers), pick(s.Compiler)));
            Row($"[{clock}] generator + our analyzers' share", s => Plus(pick(s.Generator), Minus(pick(s.Analyzers), pick(s.Compiler))));
        }
        Console.WriteLine($"{"sanity: table rows / DAUTH diagnostics / errors",-50} {a.Sanity,-16} {b.Sanity,-16} {(a.Ok && b.Ok ? "ok" : "FAILED (want 2000 / 0 / 0)")}");
        Console.WriteLine($"{"our analyzers loaded",-50} {a.AnalyzerCount,-16} {b.AnalyzerCount,-16}");
        foreach (var side in sides)
            side.Unload();
        return a.Ok && b.Ok ? 0 : 1;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>One build's generator and analyzers, in their own load context, and its timings.</summary>
    private sealed class Side
    {
        private readonly Context context;
        private readonly ISourceGenerator generator;
        private readonly ImmutableArray<DiagnosticAnalyzer> analyzers;

        public Side(string dir)
        {
            Dir = dir;
            context = new Context(dir);
            var generatorAssembly = context.LoadFromAssemblyPath(Path.Combine(dir, "Declarative.Auth.Generator.dll"));
            var generatorType = generatorAssembly.GetTypes().Single(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t));
            generator = ((IIncrementalGenerator)Activator.CreateInstance(generatorType)!).AsSourceGenerator();
            analyzers = [.. context.LoadFromAssemblyPath(Path.Combine(dir, "Declarative.Auth.Analyzers.dll")).GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];
        }

        public string Dir { get; }

        public Phase Generator { get; } = new();

        public Phase Compiler { get; } = new();

        public Phase Analyzers { get; } = new();

        public string Sanity { get; private set; } = "";

        public bool Ok { get; private set; }

        public int AnalyzerCount => analyzers.Length;

        public async Task RoundAsync(CSharpCompilation compilation, bool measured)
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create([generator], parseOptions: Parse);
            var start = Phase.Start();
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
            var generatorTime = Phase.Since(start);

            // Both on fresh copies of the output, so neither reuses the other's binding.
            start = Phase.Start();
            var compilerDiagnostics = output.Clone().GetDiagnostics();
            var compilerTime = Phase.Since(start);
            start = Phase.Start();
            var all = await output.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
                concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false)).GetAllDiagnosticsAsync();
            var analyzersTime = Phase.Since(start);
            if (!measured)
                return;
            Generator.Add(generatorTime);
            Compiler.Add(compilerTime);
            Analyzers.Add(analyzersTime);

            // The table is whichever generated file holds the EndpointEntry rows.
            var rows = BuildBenchmark.TableRows(driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));
            var ours = all.Count(d => d.Id.StartsWith("DAUTH", StringComparison.Ordinal) || d.Id == "AD0001");
            var errors = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            Sanity = $"{rows} / {ours} / {errors}";
            Ok = rows == 2000 && ours == 0 && errors == 0;
        }

        public void Unload() => context.Unload();
    }

    /// <summary>One phase's times per round: process CPU time (all threads) and wall clock, ms.</summary>
    private sealed class Phase
    {
        public List<double> Cpu { get; } = [];

        public List<double> Wall { get; } = [];

        public static (TimeSpan Cpu, long Ticks) Start() => (Process.GetCurrentProcess().TotalProcessorTime, Stopwatch.GetTimestamp());

        public static (double Cpu, double Wall) Since((TimeSpan Cpu, long Ticks) start)
            => ((Process.GetCurrentProcess().TotalProcessorTime - start.Cpu).TotalMilliseconds, Stopwatch.GetElapsedTime(start.Ticks).TotalMilliseconds);

        public void Add((double Cpu, double Wall) time)
        {
            Cpu.Add(time.Cpu);
            Wall.Add(time.Wall);
        }
    }

    /// <summary>Our assemblies from the build's directory; Roslyn and the framework from the host, so the types match.</summary>
    private sealed class Context(string dir) : AssemblyLoadContext(isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            return name.Name!.StartsWith("Declarative.Auth", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
