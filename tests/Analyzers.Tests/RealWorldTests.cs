using System.Collections.Immutable;
using Declarative.Auth.Shared;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>Skips a test when the upstream fixture it reads is not in the working tree.</summary>
public sealed class RealWorldFactAttribute : FactAttribute
{
    public RealWorldFactAttribute(string fixture)
    {
        if (!Directory.Exists(Path.Combine(AppContext.BaseDirectory, "RealWorld", fixture)))
            Skip = $"RealWorld/{fixture} is not present: it holds upstream third-party sources, kept out of our commits (see RealWorld/README.md).";
    }
}

/// <summary>
/// DAUTH001 on a real, public code base: dotnet/eShop's minimal-API services (RealWorld/eShop, upstream paths and
/// commits in each file's header), each project compiled on its own as in the upstream solution, against the
/// shared framework plus RealWorld/Stubs.cs for third-party types. Compile errors inside method bodies are
/// expected (EF Core, OpenTelemetry, MediatR are stubbed only where signatures need them); the test proves every
/// Map* call binds to the framework's method, so no endpoint is hidden from the analyzer by an error.
/// </summary>
public class RealWorldTests(ITestOutputHelper output)
{
    private const string Web = """
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

    private static string Root => Path.Combine(AppContext.BaseDirectory, "RealWorld");

    private async Task<IReadOnlyList<string>> AnalyseAsync(string project, bool stubs, OutputKind kind)
    {
        var dir = Path.Combine(Root, "eShop", project);
        var files = Directory.GetFiles(dir, "*.cs.txt", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), TestCompilation.ParseOptions,
                path: project + "/" + Path.GetRelativePath(dir, f)[..^".txt".Length].Replace('\\', '/')))
            .Append(CSharpSyntaxTree.ParseText(Web, TestCompilation.ParseOptions, path: "ImplicitUsings.g.cs"))
            .ToList();
        if (stubs)
            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(Root, "Stubs.cs.txt")), TestCompilation.ParseOptions, path: "Stubs.cs"));
        var compilation = CSharpCompilation.Create(project, trees, References.All,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        output.WriteLine($"{project}: {errors.Length} compile errors (bodies and unstubbed packages), e.g.:");
        foreach (var error in errors.Take(5))
            output.WriteLine("  " + error);

        // Every endpoint-producing call binds to ASP.NET Core's method: none is hidden by an error.
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
                Assert.True(method is not null && (EndpointRules.IsMapEndpointMethod(method) || EndpointRules.IsOtherEndpointMethod(method)),
                    $"{invocation} does not bind to the framework's {name}: {string.Join("; ", model.GetDiagnostics(invocation.Span))}");
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

    [RealWorldFact("eShop")]
    public async Task Ordering_API_endpoints_are_declared_by_RequireAuthorization_on_the_group_its_helper_returns()
        => Assert.Empty(await AnalyseAsync("Ordering.API", stubs: true, OutputKind.ConsoleApplication));

    [RealWorldFact("eShop")]
    public async Task Webhooks_API_endpoints_are_declared_by_RequireAuthorization_on_the_group_its_helper_returns()
        => Assert.Empty(await AnalyseAsync("Webhooks.API", stubs: true, OutputKind.ConsoleApplication));

    [RealWorldFact("eShop")]
    public async Task Catalog_API_endpoints_have_no_declaration_at_all_and_are_all_reported()
        => Assert.Equal(
            [
                "Catalog.API/Apis/CatalogApi.cs(29): Endpoint 'GET /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(34): Endpoint 'GET /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(39): Endpoint 'GET /api/catalog/items/by'",
                "Catalog.API/Apis/CatalogApi.cs(44): Endpoint 'GET /api/catalog/items/{id:int}'",
                "Catalog.API/Apis/CatalogApi.cs(49): Endpoint 'GET /api/catalog/items/by/{name:minlength(1)}'",
                "Catalog.API/Apis/CatalogApi.cs(54): Endpoint 'GET /api/catalog/items/{id:int}/pic'",
                "Catalog.API/Apis/CatalogApi.cs(61): Endpoint 'GET /api/catalog/items/withsemanticrelevance/{text:minlength(1)}'",
                "Catalog.API/Apis/CatalogApi.cs(68): Endpoint 'GET /api/catalog/items/type/{typeId}/brand/{brandId?}'",
                "Catalog.API/Apis/CatalogApi.cs(73): Endpoint 'GET /api/catalog/items/type/all/brand/{brandId:int?}'",
                "Catalog.API/Apis/CatalogApi.cs(78): Endpoint 'GET /api/catalog/catalogtypes'",
                "Catalog.API/Apis/CatalogApi.cs(85): Endpoint 'GET /api/catalog/catalogbrands'",
                "Catalog.API/Apis/CatalogApi.cs(94): Endpoint 'PUT /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(99): Endpoint 'PUT /api/catalog/items/{id:int}'",
                "Catalog.API/Apis/CatalogApi.cs(104): Endpoint 'POST /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(108): Endpoint 'DELETE /api/catalog/items/{id:int}'",
            ],
            await AnalyseAsync("Catalog.API", stubs: true, OutputKind.DynamicallyLinkedLibrary));

    [RealWorldFact("eShop")]
    public async Task ServiceDefaults_health_checks_are_reported_as_they_declare_nothing()
        => Assert.Equal(
            [
                "eShop.ServiceDefaults/Extensions.cs(126): Endpoint 'ANY /health'",
                "eShop.ServiceDefaults/Extensions.cs(129): Endpoint 'ANY /alive'",
            ],
            await AnalyseAsync("eShop.ServiceDefaults", stubs: false, OutputKind.DynamicallyLinkedLibrary));
}
