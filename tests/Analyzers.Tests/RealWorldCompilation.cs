using System.Collections.Immutable;
using Declarative.Auth.Shared;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// Compiles one project of a real code base in RealWorld/ (upstream files, *.cs.txt) against the shared framework
/// and runs DAUTH001 over it. Third-party and sibling-project types the files use are stubbed, either as source
/// (part of the project) or as a separate assembly the project references, the way the upstream project sees a
/// package: a library's Map* is then a library producer, not a source wrapper the analyzer reads into.
/// </summary>
internal static class RealWorldCompilation
{
    /// <summary>The usings of a Microsoft.NET.Sdk.Web project with ImplicitUsings on.</summary>
    public const string WebImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    public static string Root => Path.Combine(AppContext.BaseDirectory, "RealWorld");

    /// <summary>
    /// DAUTH001's diagnostics on RealWorld/<paramref name="directory"/>, as "path(line): Endpoint 'METHOD /route'".
    /// Asserts that every endpoint-producing call binds to the framework's method (no endpoint hidden by an error).
    /// <paramref name="edit"/> (path, text) → text changes a file before compiling: a test removing a declaration
    /// proves the analyzer sees that endpoint at all. <paramref name="implicitUsings"/>: the project has ImplicitUsings on.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AnalyseAsync(ITestOutputHelper output, string directory, string project, OutputKind kind,
        string? sourceStubs = null, string? referenceStubs = null, Func<string, string, string>? edit = null, bool implicitUsings = true)
    {
        var dir = Path.Combine(Root, directory);
        var files = Directory.GetFiles(dir, "*.cs.txt", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var trees = files.Select(f => (Path: project + "/" + Path.GetRelativePath(dir, f)[..^".txt".Length].Replace('\\', '/'), Text: File.ReadAllText(f)))
            .Select(f => CSharpSyntaxTree.ParseText(edit is null ? f.Text : edit(f.Path, f.Text), TestCompilation.ParseOptions, path: f.Path))
            .ToList();
        if (implicitUsings)
            trees.Add(CSharpSyntaxTree.ParseText(WebImplicitUsings, TestCompilation.ParseOptions, path: "ImplicitUsings.g.cs"));
        if (sourceStubs is not null)
            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(Root, sourceStubs)), TestCompilation.ParseOptions, path: "Stubs.cs"));
        var references = References.All.ToList();
        if (referenceStubs is not null)
            references.Add(StubAssembly(Path.Combine(Root, referenceStubs)));
        var compilation = CSharpCompilation.Create(project, trees, references,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        output.WriteLine($"{project}: {errors.Length} compile errors (bodies and unstubbed packages), e.g.:");
        foreach (var error in errors.Take(5))
            output.WriteLine("  " + error);

        var mapCalls = 0;
        foreach (var tree in compilation.SyntaxTrees.Where(t => t.FilePath.StartsWith(project, StringComparison.Ordinal)))
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression is MemberAccessExpressionSyntax access ? access.Name.Identifier.ValueText : null;
                if (name is null || !(EndpointRules.MapMethods.ContainsKey(name) || EndpointRules.OtherEndpointMethods.ContainsKey(name)))
                    continue;
                var method = model.GetSymbolInfo(invocation).Symbol as IMethodSymbol;
                Assert.True(method is not null && (EndpointRules.IsMapEndpointMethod(method) || EndpointRules.IsOtherEndpointMethod(method)
                        || method.DeclaringSyntaxReferences.Any(r => r.SyntaxTree.FilePath.StartsWith(project, StringComparison.Ordinal))),
                    $"{invocation} does not bind to the framework's {name} nor to the project's own: {string.Join("; ", model.GetDiagnostics(invocation.Span))}");
                mapCalls++;
            }
        }
        output.WriteLine($"{project}: {mapCalls} endpoint-producing calls, all bound");

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (e, _, _) => { lock (exceptions) exceptions.Add(e); },
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new MissingAuthDeclarationAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        var reported = AnalyzerRunner.Describe(diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            .Select(d => $"{d.Path}({d.Line}): {d.Message[..d.Message.IndexOf(" has no", StringComparison.Ordinal)]}")
            .ToList();
        foreach (var line in reported)
            output.WriteLine(line);
        return reported;
    }

    /// <summary>The stubs compiled on their own into an assembly, as a package would be; they must compile cleanly.</summary>
    private static MetadataReference StubAssembly(string path)
    {
        var stubs = CSharpCompilation.Create(Path.GetFileNameWithoutExtension(path).Replace('.', '_'),
            [CSharpSyntaxTree.ParseText(File.ReadAllText(path), TestCompilation.ParseOptions, path: Path.GetFileName(path))], References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = stubs.Emit(image);
        Assert.True(emitted.Success, "The stubs do not compile: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
