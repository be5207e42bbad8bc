using Declarative.Auth.DocsTool;
using Declarative.Auth.Generator;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Docs.Tests;

/// <summary>
/// The tool over real built assemblies: a small app compiled with the generator and emitted to disk, as the
/// build's targets would run it (the assembly is read as metadata, never loaded).
/// </summary>
public sealed class DocsToolTests : IDisposable
{
    private const string App = """
        var app = WebApplication.Create(args);
        app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
        app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] (string body) => body);
        app.MapGet("/health", () => "ok").AllowAnonymous();
        app.Run();
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("dauth-docs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Compiles <paramref name="program"/> with the generator and writes the assembly to disk.</summary>
    private string Build(string program, string name)
    {
        var compilation = TestCompilation.Create(program, "DocsApp");
        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), compilation);
        var path = Path.Combine(_root, name + ".dll");
        using (var stream = File.Create(path))
        {
            var emit = run.Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        }
        return path;
    }

    private static (int Exit, string Out, string Error) Tool(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = DocsCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_tool_writes_both_files_from_a_built_assembly()
    {
        var assembly = Build(App, "app");
        var docs = Path.Combine(_root, "docs");
        var (exit, _, error) = Tool(assembly, docs);
        Assert.True(exit == 0, error);

        var markdown = File.ReadAllText(Path.Combine(docs, "permissions.md"));
        Assert.Contains("| `read:monitors` |  | `GET /v1/monitors` |", markdown);
        Assert.Contains("| GET | `/health` | — | none needed | public |", markdown);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(docs, "permissions.json")));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(DocsCommand.ReadConstants(assembly)["Markdown"], markdown);
    }

    [Fact]
    public void A_rebuild_with_no_change_writes_the_same_bytes_and_passes_the_check()
    {
        var docs = Path.Combine(_root, "docs");
        Assert.Equal(0, Tool(Build(App, "first"), docs).Exit);
        var first = Snapshot(docs);

        Assert.Equal(0, Tool(Build(App, "second"), docs).Exit);
        Assert.Equal(first, Snapshot(docs));

        var (exit, output, error) = Tool(Build(App, "third"), docs, "--check");
        Assert.True(exit == 0, error);
        Assert.Contains("match the code", output);
    }

    [Fact]
    public void Changing_one_endpoints_scope_fails_the_check_naming_that_endpoint()
    {
        var docs = Path.Combine(_root, "docs");
        Assert.Equal(0, Tool(Build(App, "before"), docs).Exit);
        var before = Snapshot(docs);

        var changed = App.Replace("Scope = \"monitors\"", "Scope = \"checks\"", StringComparison.Ordinal);
        var (exit, _, error) = Tool(Build(changed, "after"), docs, "--check");

        Assert.Equal(1, exit);
        Assert.Contains("error DAUTH100: permissions.md differs from the code at line", error);
        // The first difference is the catalog row, which names the endpoint that needs the permission.
        Assert.Contains("expected '| `read:checks` |  | `GET /v1/monitors` |'", error);
        Assert.Contains("found '| `read:monitors` |  | `GET /v1/monitors` |'", error);
        Assert.Matches(@"permissions\.md\(\d+\): error DAUTH100", error); // MSBuild canonical form: file(line): error CODE
        Assert.Equal(before, Snapshot(docs)); // the check never writes
    }

    [Fact]
    public void The_check_names_the_endpoint_row_when_only_its_permission_changes()
    {
        // Same catalog (both scopes used elsewhere), different requirement on one endpoint: the endpoint row differs.
        const string Before = """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
            app.MapGet("/v1/checks", [RequiresKey(KeyType.Read, Scope = "checks")] () => "list");
            app.MapGet("/v1/other", [RequiresKey(KeyType.Read, Scope = "monitors")] [RequiresKey(KeyType.Read, Scope = "checks")] () => "x");
            app.Run();
            """;
        var docs = Path.Combine(_root, "docs");
        Assert.Equal(0, Tool(Build(Before, "before"), docs).Exit);
        var after = Before.Replace("""app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")]""", """app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "checks")]""", StringComparison.Ordinal);
        var (exit, _, error) = Tool(Build(after, "after"), docs, "--check");
        Assert.Equal(1, exit);
        Assert.Contains("/v1/monitors", error);
    }

    [Fact]
    public void Missing_files_fail_the_check_and_an_assembly_without_docs_is_not_an_error()
    {
        var (exit, _, error) = Tool(Build(App, "app"), Path.Combine(_root, "nowhere"), "--check");
        Assert.Equal(1, exit);
        Assert.Contains("error DAUTH100: permissions.md is missing", error);

        // An assembly the generator did not run for (this test assembly itself has no DeclarativeAuthDocs).
        var plain = typeof(DocsToolTests).Assembly.Location;
        Assert.Equal(0, Tool(plain, Path.Combine(_root, "plain")).Exit);
        Assert.False(Directory.Exists(Path.Combine(_root, "plain")));
    }

    [Fact]
    public void Bad_arguments_are_a_clear_error()
    {
        var (exit, _, error) = Tool("only-one");
        Assert.Equal(2, exit);
        Assert.Contains("usage", error);
        (exit, _, error) = Tool(Path.Combine(_root, "missing.dll"), _root);
        Assert.Equal(2, exit);
        Assert.Contains("error DAUTH101", error);
    }

    private static Dictionary<string, (string Bytes, DateTime Written)> Snapshot(string directory)
        => Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), f => (Convert.ToBase64String(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)));
}
