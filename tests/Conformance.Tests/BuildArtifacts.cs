using System.Reflection;
using System.Text.Json;
using Declarative.Auth.Conformance.App;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>One endpoint row of a build artifact (the generated table or permissions.json), reduced to the common form.</summary>
internal sealed record ArtifactRow(EndpointKey Key, Requirement Requirement, string Describe);

/// <summary>A DAUTH001 the analyzer raised over the app's sources.</summary>
internal sealed record Dauth001(string File, int Line, string Message);

/// <summary>Reads what the build produced for the app: the generated table, permissions.json, DAUTH001's verdicts.</summary>
internal static class BuildArtifacts
{
    /// <summary>The table the generator compiled into the app's assembly (registered by its module initializer).</summary>
    public static IReadOnlyList<ArtifactRow> GeneratedTable()
    {
        var assembly = typeof(ConformanceHost).Assembly;
        var type = assembly.GetType("Declarative.Auth.Generated.DeclarativeAuthManifest", throwOnError: true)!;
        var manifest = (AuthManifest)type.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal(assembly.GetName().Name, manifest.AssemblyName);
        Assert.Contains(manifest, AuthManifestRegistry.Manifests);
        return manifest.Endpoints
            .Select(e => new ArtifactRow(EndpointKey.Of(e.HttpMethods, e.Route), Requirement.From(e), $"{e.Handler} {e.SourceFile}:{e.Line}"))
            .ToArray();
    }

    /// <summary>permissions.json as the build's docs target wrote it next to the app's assembly.</summary>
    public static IReadOnlyList<ArtifactRow> PermissionsJson()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "AppDocs", "permissions.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("Declarative.Auth.Conformance.App", document.RootElement.GetProperty("assembly").GetString());
        // Undeclared endpoints may be listed in a section of their own; both sections are rows of the document.
        var entries = document.RootElement.GetProperty("endpoints").EnumerateArray().ToList();
        if (document.RootElement.TryGetProperty("undeclared", out var undeclared) && undeclared.ValueKind == JsonValueKind.Array)
            entries.AddRange(undeclared.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object));
        return entries.Select(e =>
        {
            var methods = e.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray();
            var route = e.GetProperty("route").GetString();
            var kinds = e.GetProperty("keyKinds").EnumerateArray().Select(k => k.GetString()).ToArray();
            // "keyOrAuthorization" is a key requirement that a login may also meet; the common form compares the key part.
            var access = e.GetProperty("access").GetString() is "keyOrAuthorization" ? Requirement.Key : e.GetProperty("access").GetString()!;
            var requirement = kinds.Contains("organizationsKey")
                ? Requirement.Of(Requirement.Organizations)
                : Requirement.Of(access, e.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
            return new ArtifactRow(EndpointKey.Of(methods, route), requirement, $"{e.GetProperty("handler").GetString()} {e.GetProperty("sourceFile").GetString()}");
        }).ToArray();
    }

    /// <summary>Runs DAUTH001's analyzer over the app's own sources, compiled as the app is.</summary>
    public static async Task<IReadOnlyList<Dauth001>> Dauth001Async(ShapeCatalog catalog)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "Declarative.Auth.Conformance.App",
            catalog.Sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, path: s.Path)),
            References.All,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var diagnostics = await AnalyzerRunner.RunAsync(compilation, new Declarative.Auth.Analyzers.MissingAuthDeclarationAnalyzer());
        return diagnostics.Where(d => d.Id == "DAUTH001").Select(d =>
        {
            var span = d.Location.GetLineSpan();
            return new Dauth001(span.Path, span.StartLinePosition.Line + 1, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }).ToArray();
    }
}
