using System.Collections.Immutable;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>In the IDE the analyzer runs on half-typed code; it must neither throw nor flag what it cannot bind.</summary>
public class RobustnessTests
{
    [Fact]
    public async Task Incomplete_code_does_not_make_the_analyzer_throw()
    {
        var compilation = TestCompilation.Create("""
            var app = WebApplication.Create(args);
            var api = app.MapGroup(;
            api.MapGet("/v1/a", () => "a").RequireAuthorization(
            app.MapGet("/v1/b", Missing);
            app.MapPost(
            app.MapGet("/v1/c", () => "c");
            public sealed class BrokenController : ControllerBase
            {
                public IActionResult Get( => Ok();
                [RequiresKey(KeyType.]
                public IActionResult Post() => Ok();
            }
            """);
        Assert.NotEmpty(TestCompilation.Errors(compilation));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), (e, _, _) => { lock (exceptions) exceptions.Add(e); }, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new MissingAuthDeclarationAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("'GET /v1/c'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_program_with_many_endpoints_on_shared_groups_is_analysed_in_linear_time()
    {
        var lines = new List<string> { "var app = WebApplication.Create(args);", "var api = app.MapGroup(\"/v1\");" };
        for (var i = 0; i < 600; i++)
            lines.Add($"api.MapGet(\"/r{i}\", () => {i});");
        lines.Add("api.RequireAuthorization();");
        lines.Add("app.Run();");
        var compilation = TestCompilation.Create(string.Join("\n", lines));
        Assert.Empty(TestCompilation.Errors(compilation));

        var analyzer = new MissingAuthDeclarationAnalyzer();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);

        Assert.Empty(diagnostics);
        // The group's uses are scanned once per compilation, not once per endpoint (which would be 600 scans of 600 uses).
        Assert.True(telemetry.ExecutionTime < TimeSpan.FromSeconds(3), $"analyzer took {telemetry.ExecutionTime}");
    }

    [Fact]
    public async Task Every_analyzer_survives_incomplete_code()
    {
        var compilation = TestCompilation.Create("""
            [assembly: PermissionScope("events", ]
            [assembly: PermissionScope(]
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = )] () => "a").RequireKey(KeyType.
            app.MapGet(Missing.Route, [RequiresKey(KeyType.Admin, Scope = "x"), AllowAnonymous] () => "b").RequireKey(;
            app.MapDelete("/v1/c", [RequiresKey((KeyType)7, Scope = "events")] () => "c");
            app.MapGroup(null!).RequireKey(KeyType.Write, Scope: "x").AllowAnonymous(
            app.MapGet("/v1/d", () => "d").WithMetadata(new RequiresKeyAttribute() { Scope = 3 });
            static RouteGroupBuilder Loop(RouteGroupBuilder g) => Loop(g);
            Loop(app.MapGroup("/loop")).MapGet("/x", () => "x");
            """);
        Assert.NotEmpty(TestCompilation.Errors(compilation));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), (e, _, _) => { lock (exceptions) exceptions.Add(e); }, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers([.. Verify.AllAnalyzers()], options).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public Task Generated_code_is_skipped_by_every_analyzer()
        => Verify.WithAsync(Verify.AllAnalyzers(),
            [
                ("Program.cs", """
                    [assembly: PermissionScope("events", "Events")]
                    var app = WebApplication.Create(args);
                    Generated.Map(app);
                    app.Run();
                    """),
                ("Endpoints.g.cs", """
                    // <auto-generated/>
                    static class Generated
                    {
                        public static void Map(WebApplication app)
                        {
                            app.MapGet("/v1/x", [RequiresKey(KeyType.Write, Scope = "evnets"), AllowAnonymous] () => "x").RequireKey(KeyType.Admin, "x");
                            app.MapGet("/v1/x", () => "y").AllowAnonymous();
                            app.MapGet("/v1/" + app.Environment.EnvironmentName, () => "z").RequireKey(KeyType.Read);
                        }
                    }
                    """),
            ]);
}
