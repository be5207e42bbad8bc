using System.Reflection;
using System.Runtime.Loader;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Generator.Tests;

/// <summary>What one generator test looks at: the generated text and the manifest it builds when run.</summary>
internal sealed record GeneratedApp(string Text, AuthManifest Manifest, Func<string, int> IndexOf, IReadOnlyDictionary<string, string> Constants, GeneratorRun Run)
{
    /// <summary>DeclarativeAuthDocs.Json as compiled into the test app, and the permissions.md the docs tool renders from it.</summary>
    public (string Markdown, string Json) Docs { get; init; }

    public EndpointEntry Single(string? route, params string[] methods)
    {
        var matches = Manifest.Endpoints.Where(e => e.Route == route && e.HttpMethods.SequenceEqual(methods)).ToList();
        Assert.True(matches.Count == 1, $"Expected one endpoint {string.Join(",", methods)} {route}, found {matches.Count}:\n{Describe()}");
        return matches[0];
    }

    public EndpointEntry ByHandler(string handler)
    {
        var matches = Manifest.Endpoints.Where(e => e.Handler == handler).ToList();
        Assert.True(matches.Count == 1, $"Expected one endpoint with handler {handler}, found {matches.Count}:\n{Describe()}");
        return matches[0];
    }

    /// <summary>Each endpoint of permissions.json (both sections): its handler, its route pattern as far as known, and why its route is or is not known.</summary>
    public IReadOnlyList<(string Handler, string? Pattern, string RouteKind)> DocsRoutes()
    {
        using var json = System.Text.Json.JsonDocument.Parse(Docs.Json);
        return [.. new[] { "endpoints", "undeclared" }
            .Where(section => json.RootElement.TryGetProperty(section, out _))
            .SelectMany(section => json.RootElement.GetProperty(section).EnumerateArray())
            .Select(e => (e.GetProperty("handler").GetString()!, e.TryGetProperty("pattern", out var p) ? p.GetString() : null, e.GetProperty("routeKind").GetString()!))];
    }

    public string Describe()
        => string.Join("\n", Manifest.Endpoints.Select(e =>
            $"[{string.Join(",", e.HttpMethods)}] {e.Route ?? "<null>"} {e.Access} [{string.Join(",", e.Permissions)}] {e.Handler} {e.SourceFile}:{e.Line}"));
}

/// <summary>
/// Runs the generator over a small app, proves incrementality and warning-free output, has
/// Microsoft.CodeAnalysis.Testing reproduce the generated files, then emits the output compilation, loads it into a
/// collectible context and reads the generated manifest by reflection.
/// </summary>
internal static class GeneratorHarness
{
    public const string HintName = "DeclarativeAuth.Manifest.g.cs";
    public const string DocsHintName = "DeclarativeAuth.Docs.g.cs";

    public static readonly IReadOnlyCollection<string> AllTrackingNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    /// <summary>Steps with one output per item (a Map call, a class, a [RequiresKey] symbol): absent when there are no items.</summary>
    public static readonly IReadOnlyCollection<string> PerItemTrackingNames =
    [
        TrackingNames.DeclaredSymbols, TrackingNames.MapCalls, TrackingNames.MinimalEndpoints, TrackingNames.Controllers, TrackingNames.ControllerModels,
    ];

    /// <summary>Steps that run for every compilation.</summary>
    public static readonly IReadOnlyCollection<string> AlwaysRunningTrackingNames = AllTrackingNames.Except(PerItemTrackingNames).ToArray();

    public static GeneratedApp Run(string program, string assemblyName = "TestApp") => Run([("Program.cs", program)], assemblyName);

    public static GeneratedApp Run(IEnumerable<(string Path, string Text)> sources, string assemblyName = "TestApp", AnalyzerConfigOptionsProvider? options = null)
    {
        // Documentation comments are checked too (CS1570 etc.), as in a project with GenerateDocumentationFile.
        var parseOptions = TestCompilation.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var created = TestCompilation.Create(sources, assemblyName);
        var compilation = created.RemoveAllSyntaxTrees()
            .AddSyntaxTrees(created.SyntaxTrees.Select(t => t.WithRootAndOptions(t.GetRoot(), parseOptions)))
            .WithOptions(created.Options.WithWarningLevel(9999)); // every warning wave, as the SDK's latest analysis level
        var inputErrors = TestCompilation.Errors(compilation);
        Assert.True(inputErrors.Length == 0, "The test app itself does not compile:\n" + string.Join("\n", inputErrors));

        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation, options);
        var text = run.Source(HintName);
        Assert.Contains("internal static class DeclarativeAuthDocs", run.Source(DocsHintName));
        IncrementalityAssert.Holds(run, AllTrackingNames, AlwaysRunningTrackingNames);

        // Microsoft.CodeAnalysis.Testing runs the generator again in its own workspace and must get the same files.
        Task.Run(() => AppGeneratorTest<DeclarativeAuthGenerator>.VerifyAsync(run, assemblyName, (options as TestAnalyzerConfigOptionsProvider)?.Global))
            .GetAwaiter().GetResult();

        var warnings = GeneratorDriverRunner.Warnings(run.Output, ".g.cs");
        Assert.True(warnings.Length == 0, "The generated code has warnings:\n" + string.Join("\n", warnings));

        var (manifest, indexOf, constants, docs) = LoadWithDocs(run.Output);
        return new GeneratedApp(text, manifest, indexOf, constants, run) { Docs = docs };
    }

    /// <summary>Emits and loads the compilation; returns the manifest, the index of a permission in Permissions.All and the Permissions constants.</summary>
    public static (AuthManifest Manifest, Func<string, int> IndexOf, IReadOnlyDictionary<string, string> Constants) Load(Compilation compilation)
    {
        var (manifest, indexOf, constants, _) = LoadWithDocs(compilation);
        return (manifest, indexOf, constants);
    }

    /// <summary><see cref="Load"/>, plus the generated docs constants.</summary>
    public static (AuthManifest Manifest, Func<string, int> IndexOf, IReadOnlyDictionary<string, string> Constants, (string Markdown, string Json) Docs) LoadWithDocs(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, "Emit failed:\n" + string.Join("\n", emit.Diagnostics));
        stream.Position = 0;

        // The registry is process-wide and keyed by assembly name; every test app is "TestApp". Loads are
        // serialized so a parallel test cannot replace this manifest between registration and the check.
        lock (RegistryGate)
            return LoadExclusive(stream);
    }

    private static readonly Lock RegistryGate = new();

    private static (AuthManifest Manifest, Func<string, int> IndexOf, IReadOnlyDictionary<string, string> Constants, (string Markdown, string Json) Docs) LoadExclusive(MemoryStream stream)
    {
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(stream);
            var manifestType = assembly.GetType("Declarative.Auth.Generated.DeclarativeAuthManifest", throwOnError: true)!;
            var permissionsType = assembly.GetType("Declarative.Auth.Generated.Permissions", throwOnError: true)!;
            var manifest = (AuthManifest)manifestType.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

            // The module initializer ran when the type was first touched: the registry holds this very manifest.
            Assert.Contains(manifest, AuthManifestRegistry.Manifests);

            var all = (IReadOnlyList<string>)permissionsType.GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var indexes = all.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
            var constants = permissionsType.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral)
                .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
            var docsType = assembly.GetType("Declarative.Auth.Generated.DeclarativeAuthDocs", throwOnError: true)!;
            string Doc(string name) => (string)docsType.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;
            return (manifest, p => indexes.TryGetValue(p, out var i) ? i : -1, constants, (DocsTool.PermissionsMarkdown.Render(Doc("Json")), Doc("Json")));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The 1-based line of the first occurrence of <paramref name="marker"/>.</summary>
    public static int LineOf(string source, string marker)
    {
        var index = source.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, $"marker '{marker}' not in source");
        return source[..index].Count(c => c == '\n') + 1;
    }
}
