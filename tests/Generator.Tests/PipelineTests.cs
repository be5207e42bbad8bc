using Declarative.Auth.TestKit;

namespace Declarative.Auth.Generator.Tests;

public class PipelineTests
{
    [Fact]
    public void ForAttributeWithMetadataName_does_not_see_lambda_attributes()
    {
        var lambdas = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            app.MapGet("/a", [RequiresKey(KeyType.Read, Scope = "a")] () => 1);
            app.Run();
            """);
        var methods = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            app.MapGet("/a", A);
            app.Run();

            [RequiresKey(KeyType.Read, Scope = "a")]
            static int A() => 1;
            """);

        static int Found(GeneratedApp app) => app.Run.Result.Results[0].TrackedSteps.TryGetValue(TrackingNames.DeclaredSymbols, out var steps)
            ? steps.Sum(step => step.Outputs.Length)
            : 0;

        Assert.Equal(0, Found(lambdas));
        Assert.Equal(1, Found(methods));
        // Both endpoints are still declared: the Map* call reads the lambda's attributes itself.
        Assert.Equal(["read:a"], lambdas.Single("/a", "GET").Permissions);
        Assert.Equal(["read:a"], methods.Single("/a", "GET").Permissions);
    }

    [Fact]
    public void An_edit_to_an_endpoint_reruns_the_manifest()
    {
        var compilation = TestCompilation.Create("""
            var app = WebApplication.Create(args);
            app.MapGet("/a", [RequiresKey(KeyType.Read, Scope = "a")] () => 1);
            app.Run();
            """);
        var first = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation);
        var tree = compilation.SyntaxTrees.First();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.GetText().ToString().Replace("Scope = \"a\"", "Scope = \"b\"", StringComparison.Ordinal))));
        var second = GeneratorDriverRunner.RunAgain(first.Driver, changed);

        var manifest = second.Result.Results[0].TrackedSteps[TrackingNames.Manifest].Single();
        Assert.Equal(Microsoft.CodeAnalysis.IncrementalStepRunReason.Modified, manifest.Outputs.Single().Reason);
        Assert.Contains("\"read:b\"", second.Source(GeneratorHarness.HintName));
    }

    [Theory]
    [InlineData("Handlers.cs", "public static class Handlers { [RequiresKey(KeyType.Read, Scope = \"a\")] public static int Get() => 1; }", "Scope = \"a\"", "Scope = \"b\"")]
    [InlineData("Base.cs", "[RequiresKey(KeyType.Read, Scope = \"a\")] public abstract class BaseApi : ControllerBase { }", "Scope = \"a\"", "Scope = \"b\"")]
    public void An_edit_in_another_file_updates_the_endpoints_that_depend_on_it(string path, string source, string from, string to)
    {
        const string program = """
            var app = WebApplication.Create(args);
            app.MapGet("/handler", Handlers.Get);
            app.MapControllers();
            app.Run();

            [Route("api")]
            public class ThingsController : BaseApi
            {
                [HttpGet("things")]
                public int List() => 1;
            }
            """;
        var other = path == "Handlers.cs"
            ? "[RequiresKey(KeyType.Read, Scope = \"a\")] public abstract class BaseApi : ControllerBase { }"
            : "public static class Handlers { [RequiresKey(KeyType.Read, Scope = \"a\")] public static int Get() => 1; }";
        var compilation = TestCompilation.Create([("Program.cs", program), (path, source), ("Other.cs", other)]);
        var first = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation);
        Assert.DoesNotContain("read:b", first.Source(GeneratorHarness.HintName), StringComparison.Ordinal);

        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.GetText().ToString().Replace(from, to, StringComparison.Ordinal)));
        var second = GeneratorDriverRunner.RunAgain(first.Driver, compilation.ReplaceSyntaxTree(tree, edited));

        var (manifest, _, _) = GeneratorHarness.Load(second.Output);
        var changedRoute = path == "Handlers.cs" ? "/handler" : "/api/things";
        Assert.Equal(["read:b"], manifest.Endpoints.Single(e => e.Route == changedRoute).Permissions);
    }

    [Fact]
    public void Code_being_typed_does_not_make_the_generator_throw_and_the_output_still_compiles()
    {
        var compilation = TestCompilation.Create("""
            var app = WebApplication.Create(args);
            app.MapGet("/a", [RequiresKey(KeyType.)] () => 1);
            app.MapGroup(UnknownThing).MapGet("/b", Missing);
            app.MapMethods("/c", new[] { 42 }, () => 1);
            app.MapGet(
            [RequiresKey((KeyType)99, Scope = "x")] static void Y() { }

            [Route("[controller")]
            public class BrokenController : ControllerBase
            {
                [HttpGet("{id")] public string X( => "";
                [HttpGet("[nope]]")] public string Z() => "";
            }
            """);
        Assert.NotEmpty(TestCompilation.Errors(compilation));

        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation, allowErrors: true);
        var generated = run.Output.SyntaxTrees.Single(t => t.FilePath.EndsWith(GeneratorHarness.HintName, StringComparison.Ordinal));
        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Location.SourceTree == generated);
        Assert.Empty(errors);
        IncrementalityAssert.Holds(run, GeneratorHarness.AllTrackingNames, GeneratorHarness.AlwaysRunningTrackingNames);
    }
}
