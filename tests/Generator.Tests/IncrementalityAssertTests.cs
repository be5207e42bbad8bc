using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace Declarative.Auth.Generator.Tests;

/// <summary>The incrementality checks every generator test relies on must catch the two classic mistakes.</summary>
public class IncrementalityAssertTests
{
    private const string App = """
        var app = WebApplication.Create(args);
        app.MapGet("/a", () => 1);
        app.Run();

        public class Widget { }
        """;

    private sealed class HoldsSymbols : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var symbols = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    static (ctx, ct) => (Name: "x", Symbol: ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct)))
                .WithTrackingName("Bad");
            context.RegisterSourceOutput(symbols, static (_, _) => { });
        }
    }

    private sealed class NotEquatable : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var values = context.CompilationProvider
                .Select(static (c, _) => new[] { c.AssemblyName ?? "" })
                .WithTrackingName("Bad");
            context.RegisterSourceOutput(values, static (_, _) => { });
        }
    }

    [Fact]
    public void A_symbol_nested_in_a_step_output_is_caught()
    {
        var run = GeneratorDriverRunner.Run(new HoldsSymbols(), TestCompilation.Create(App));
        var error = Assert.ThrowsAny<XunitException>(() => IncrementalityAssert.NoSymbolsInOutputs(run.Result, ["Bad"]));
        Assert.Contains("holds a", error.Message);
    }

    [Fact]
    public void A_step_whose_output_is_not_value_equal_is_caught()
    {
        var run = GeneratorDriverRunner.Run(new NotEquatable(), TestCompilation.Create(App));
        var error = Assert.ThrowsAny<XunitException>(() => IncrementalityAssert.Holds(run, ["Bad"]));
        Assert.Contains("not cached", error.Message);
    }

    [Fact]
    public void A_missing_tracking_name_is_caught()
    {
        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), TestCompilation.Create(App));
        var error = Assert.ThrowsAny<XunitException>(() => IncrementalityAssert.AllStepsRan(run.Result, ["NoSuchStep"]));
        Assert.Contains("NoSuchStep", error.Message);
    }
}
