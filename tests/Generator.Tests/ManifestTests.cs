using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Auth.Generator.Tests;

public class ManifestTests
{
    [Fact]
    public void The_catalog_is_ordinal_with_dense_indexes_and_unique_constant_names()
    {
        var app = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            app.MapGet("/1", [RequiresKey(KeyType.Read, Scope = "a-b")] () => 1);
            app.MapGet("/2", [RequiresKey(KeyType.Read, Scope = "a.b")] () => 1);
            app.MapGet("/3", [RequiresKey(KeyType.Read, Scope = "a_b")] () => 1);
            app.MapGet("/4", [RequiresKey(KeyType.Read, Scope = "ab")] () => 1);
            app.MapGet("/5", [RequiresKey(KeyType.Admin)] () => 1);
            app.MapGet("/6", () => 1).RequireKey(KeyType.Write, "monitor-checks");
            app.Run();

            static class Unused
            {
                // Not an endpoint, but a declaration of this assembly: found by ForAttributeWithMetadataName.
                [RequiresKey(KeyType.Delete, Scope = "orphans")]
                public static void Orphan() { }
            }
            """);

        string[] expected = ["admin", "delete:orphans", "read:a-b", "read:a.b", "read:a_b", "read:ab", "write:monitor-checks"];
        Assert.Equal(expected, app.Manifest.Permissions);
        Assert.DoesNotContain("IndexOf", app.Text); // nothing used it: not generated

        Assert.Equal("admin", app.Constants["Admin"]);
        Assert.Equal("delete:orphans", app.Constants["DeleteOrphans"]);
        Assert.Equal("read:a-b", app.Constants["ReadAB"]);
        Assert.Equal("read:a.b", app.Constants["ReadAB2"]);
        Assert.Equal("read:a_b", app.Constants["ReadAB3"]);
        Assert.Equal("read:ab", app.Constants["ReadAb"]);
        Assert.Equal("write:monitor-checks", app.Constants["WriteMonitorChecks"]);
        Assert.Equal(expected.Length, app.Constants.Count);
    }

    [Fact]
    public void The_table_is_one_string_whose_separators_no_user_string_can_forge()
    {
        // The table is text (ManifestText): a route holding its field, row or item separator, or the escapes
        // themselves, must come back as written and not split or shift a row.
        const string program = """
            var app = WebApplication.Create(args);
            app.MapGet("/row\nbreak", [RequiresKey(KeyType.Read, Scope = "a")] () => 1);
            app.MapGet("/item\u001Fsep", [RequiresKey(KeyType.Read, Scope = "b")] () => 1);
            app.MapGet("/escapes/\\0/\\t/\\n/\\", () => 1).AllowAnonymous();
            app.MapMethods("/methods", new[] { "GET", "PO\u001FST" }, () => 1).RequireKey(KeyType.Write, "c");
            app.MapGet(System.Environment.GetEnvironmentVariable("R")!, () => 1).RequireAuthorization();
            app.Run();
            """;
        var app = GeneratorHarness.Run(program);

        Assert.DoesNotContain("new global::Declarative.Auth.EndpointEntry(", app.Text);
        Assert.Equal(5, app.Manifest.Endpoints.Count);
        Assert.Equal(["read:a"], app.Single("/row\nbreak", "GET").Permissions);
        Assert.Equal(["read:b"], app.Single("/item\u001Fsep", "GET").Permissions);
        var escapes = app.Single("/escapes/\\0/\\t/\\n/\\", "GET");
        Assert.Equal(EndpointAccess.Public, escapes.Access);
        Assert.Equal(["GET", "PO\u001FST"], app.Manifest.Endpoints.Single(e => e.Route == "/methods").HttpMethods);
        var computed = app.Manifest.Endpoints.Single(e => e.Route is null);
        Assert.Equal(EndpointAccess.Authorize, computed.Access);
        Assert.Equal(app.Single("/row\nbreak", "GET").Line + 4, computed.Line);
    }

    [Fact]
    public void Every_character_survives_the_generated_literals()
    {
        // Every UTF-16 unit, lone surrogate halves and line separators included, then a valid pair: the literal the
        // generator writes must compile to the same string and keep the literal (and the line) closed.
        var all = new string(Enumerable.Range(0, 0x10000).Select(i => (char)i).ToArray()) + "\"\\\ud83d\ude00\"";
        var source = "class C { public const string S = " + Generator.ManifestRender.Literal(all) + "; }";
        var tree = CSharpSyntaxTree.ParseText(source);
        Assert.Single(tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>());
        Assert.Single(tree.GetText().Lines);
        var compilation = CSharpCompilation.Create("Literal", [tree], Declarative.Auth.TestKit.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var constant = compilation.GetTypeByMetadataName("C")!.GetMembers("S").OfType<IFieldSymbol>().Single().ConstantValue;
        Assert.Equal(all, constant);
    }

    [Fact]
    public void User_strings_are_escaped()
    {
        const string program = """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/caf\u00e9/\\path/\u2028", [RequiresKey(KeyType.Read, Scope = "ev\"il\\sc<o>pe&")] () => 1);
            app.MapGet("/tab\there", [RequiresKey(KeyType.Read, Scope = "x\"); System.Environment.Exit(1); //")] () => 1);
            app.Run();
            """;
        var app = GeneratorHarness.Run(program);

        var odd = app.Single("/v1/caf\u00e9/\\path/\u2028", "GET");
        Assert.Equal(["read:ev\"il\\sc<o>pe&"], odd.Permissions);
        Assert.Equal(["read:x\"); System.Environment.Exit(1); //"], app.Single("/tab\there", "GET").Permissions);
        Assert.Equal("read:ev\"il\\sc<o>pe&", app.Constants["ReadEvilscope"]);
        Assert.Contains("\"read:ev\\\"il\\\\sc<o>pe&\"", app.Text);
        Assert.Contains("/// <summary>read:ev\"il\\sc&lt;o&gt;pe&amp; (index", app.Text);
    }

    [Fact]
    public void An_app_without_endpoints_still_gets_an_empty_manifest()
    {
        var app = GeneratorHarness.Run("""
            System.Console.WriteLine("no web here");
            """);
        Assert.Empty(app.Manifest.Endpoints);
        Assert.Empty(app.Manifest.Permissions);
        Assert.Contains("Permissions.All,\n            \"1\\n\");", app.Text); // the version line, no rows
    }

    [Fact]
    public void Nothing_is_generated_without_the_runtime()
    {
        var compilation = CSharpCompilation.Create(
            "Plain",
            [CSharpSyntaxTree.ParseText("public static class C { public static int M() => 1; }", TestCompilation.ParseOptions, path: "C.cs")],
            References.All.Where(r => !(r.Display ?? "").EndsWith("Declarative.Auth.dll", StringComparison.Ordinal)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation);
        Assert.Empty(run.Sources);
        IncrementalityAssert.Holds(run, GeneratorHarness.AllTrackingNames, GeneratorHarness.AlwaysRunningTrackingNames);
    }

    [Fact]
    public void Source_files_are_relative_to_the_project_directory()
    {
        var options = new TestAnalyzerConfigOptionsProvider(new Dictionary<string, string> { ["build_property.ProjectDir"] = "/src/app/" });
        var app = GeneratorHarness.Run(
            [
                ("/src/app/Program.cs", "var app = WebApplication.Create(args); app.MapEvents(); app.Run();"),
                ("/src/app/Endpoints/Events.cs", """
                    public static class Events
                    {
                        public static void MapEvents(this WebApplication app)
                        {
                            app.MapGet("/events", [AllowAnonymous] () => 1);
                        }
                    }
                    """),
                ("/elsewhere/Linked.cs", """
                    public static class Linked
                    {
                        public static void MapLinked(this WebApplication app) => app.MapGet("/linked", () => 1);
                    }
                    """),
            ],
            options: options);

        Assert.Equal("Endpoints/Events.cs", app.Single("/events", "GET").SourceFile);
        Assert.Equal(5, app.Single("/events", "GET").Line);
        Assert.Equal("Linked.cs", app.Single("/linked", "GET").SourceFile);
    }

    [Fact]
    public void Windows_paths_are_made_relative_with_forward_slashes()
    {
        Assert.Equal("Api/Events.cs", ManifestTransform.RelativePath(@"C:\src\app\Api\Events.cs", @"C:\src\app\"));
        Assert.Equal("Api/Events.cs", ManifestTransform.RelativePath(@"C:\src\app\Api\Events.cs", @"C:\src\app"));
        Assert.Equal("Events.cs", ManifestTransform.RelativePath(@"D:\other\Events.cs", @"C:\src\app\"));
        Assert.Equal("Events.cs", ManifestTransform.RelativePath("/x/y/Events.cs", null));
    }

    [Fact]
    public void Output_is_deterministic_whatever_the_order_of_files()
    {
        (string, string)[] files =
        [
            ("Program.cs", "var app = WebApplication.Create(args); app.MapGet(\"/b\", [RequiresKey(KeyType.Read, Scope = \"b\")] () => 1); app.MapGet(\"/a\", () => 1); app.Run();"),
            ("Api.cs", "[Route(\"api\")] public class ApiController : ControllerBase { [HttpGet(\"x\"), RequiresKey(KeyType.Read, Scope = \"a\")] public int X() => 1; }"),
        ];
        var first = GeneratorHarness.Run(files);
        var second = GeneratorHarness.Run(files.Reverse());
        var third = GeneratorHarness.Run(files);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, third.Text);
        Assert.Equal(["/a", "/api/x", "/b"], first.Manifest.Endpoints.Select(e => e.Route));
    }
}
