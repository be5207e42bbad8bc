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

    private static string Directory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
