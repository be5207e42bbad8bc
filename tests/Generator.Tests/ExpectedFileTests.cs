using System.Runtime.CompilerServices;

namespace Declarative.Auth.Generator.Tests;

/// <summary>
/// The generated file for a small app, checked in. Set DECLARATIVE_AUTH_UPDATE_EXPECTED=1 and run the tests to
/// rewrite it after an intended change, then review the diff.
/// </summary>
public class ExpectedFileTests
{
    private const string Program = """
        var app = WebApplication.Create(args);
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/events", [RequiresKey(KeyType.Write, Scope = "events")] (string body) => body);
        v1.MapGet("/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
        v1.MapGet("/status", [AllowAnonymous] () => "ok");
        app.MapGet("/undeclared", () => "?");
        v1.MapIncidents();
        app.MapControllers();
        app.Run();

        static class IncidentEndpoints
        {
            public static void MapIncidents(this IEndpointRouteBuilder routes)
                => routes.MapGet("/incidents", [RequiresKey(KeyType.Read, Scope = "incidents")] () => "incidents");
        }

        [Route("api/[controller]")]
        [RequiresKey(KeyType.Admin)]
        public class KeysController : ControllerBase
        {
            [HttpGet]
            public string List() => "";

            [HttpDelete("{id}"), RequiresKey(KeyType.Delete, Scope = "keys")]
            public string Revoke(string id) => id;
        }
        """;

    [Fact]
    public void The_small_app_manifest_matches_the_checked_in_file()
    {
        var app = GeneratorHarness.Run(Program, assemblyName: "SmallApp");
        // This app has every kind of item, so every named step, per-item ones included, must have run.
        Declarative.Auth.TestKit.IncrementalityAssert.AllStepsRan(app.Run.Result, GeneratorHarness.AllTrackingNames);
        var path = Path.Combine(Directory(), "Expected", "SmallApp.Manifest.g.cs");
        if (Environment.GetEnvironmentVariable("DECLARATIVE_AUTH_UPDATE_EXPECTED") == "1")
            File.WriteAllText(path, app.Text);
        Assert.True(File.Exists(path), $"{path} is missing; run with DECLARATIVE_AUTH_UPDATE_EXPECTED=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), app.Text);
    }

    [Fact]
    public void The_small_app_docs_match_the_checked_in_files_and_a_second_run_gives_the_same_text()
    {
        var app = GeneratorHarness.Run(Program, assemblyName: "SmallApp");
        Check("SmallApp.permissions.md", app.Docs.Markdown);
        Check("SmallApp.permissions.json", app.Docs.Json);
        using (var json = System.Text.Json.JsonDocument.Parse(app.Docs.Json))
            Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());

        // Deterministic: a fresh run over the same code gives the same text (no timestamps, stable order).
        var again = GeneratorHarness.Run(Program, assemblyName: "SmallApp");
        Assert.Equal(app.Docs, again.Docs);
    }

    private static void Check(string name, string actual)
    {
        var path = Path.Combine(Directory(), "Expected", name);
        if (Environment.GetEnvironmentVariable("DECLARATIVE_AUTH_UPDATE_EXPECTED") == "1")
            File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"{path} is missing; run with DECLARATIVE_AUTH_UPDATE_EXPECTED=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    private static string Directory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
