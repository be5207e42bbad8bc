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
}
