using System.Text.Json;

namespace Declarative.Auth.Generator.Tests;

/// <summary>The docs output: key kinds, workspace scoping, descriptions and undeclared endpoints, from the same models as the manifest.</summary>
public class DocsTests
{
    private const string Program = """
        [assembly: PermissionScope("monitors", "Monitors and their checks")]
        [assembly: PermissionScope("events", "Event ingestion | batches")]

        var app = WebApplication.Create(args);
        app.MapPost("/v1/events", [EventIngestion] (string body) => body);
        app.MapPost("/v1/track", (string body) => body).RequireKey(KeyType.Write, "events").AcceptEventWriteKeys();
        var ws = app.MapGroup("/v1/ws").RequireWorkspace();
        ws.MapGet("/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
        app.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "orgs");
        app.MapGet("/me", () => "me").RequireAnyKey();
        app.MapGet("/health", () => "ok").AllowAnonymous();
        app.MapGet("/forgotten", () => "?");
        app.Run();
        """;

    private static JsonElement Endpoint(JsonDocument json, string section, string route)
        => json.RootElement.GetProperty(section).EnumerateArray().Single(e => e.GetProperty("route").GetString() == route);

    private static string[] Strings(JsonElement element, string name)
        => element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public void Key_kinds_workspace_public_and_organizations_are_documented()
    {
        var app = GeneratorHarness.Run(Program);
        using var json = JsonDocument.Parse(app.Docs.Json);

        Assert.Equal(["eventWriteKey"], Strings(Endpoint(json, "endpoints", "/v1/events"), "keyKinds"));
        Assert.Equal(["apiKey", "eventWriteKey"], Strings(Endpoint(json, "endpoints", "/v1/track"), "keyKinds"));
        Assert.True(Endpoint(json, "endpoints", "/v1/track").GetProperty("cors").GetBoolean());

        var monitors = Endpoint(json, "endpoints", "/v1/ws/monitors");
        Assert.True(monitors.GetProperty("workspaceScoped").GetBoolean());
        Assert.Equal(["read:monitors"], Strings(monitors, "permissions"));

        var orgs = Endpoint(json, "endpoints", "/v1/organizations");
        Assert.Equal(["organizationsKey"], Strings(orgs, "keyKinds"));
        Assert.True(orgs.GetProperty("disabledWithoutOrganizationsKey").GetBoolean());

        Assert.Equal(["apiKey"], Strings(Endpoint(json, "endpoints", "/me"), "keyKinds"));
        var health = Endpoint(json, "endpoints", "/health");
        Assert.True(health.GetProperty("public").GetBoolean());
        Assert.Empty(Strings(health, "keyKinds"));

        Assert.Equal("undeclared", Endpoint(json, "undeclared", "/forgotten").GetProperty("access").GetString());
        Assert.DoesNotContain(json.RootElement.GetProperty("endpoints").EnumerateArray(), e => e.GetProperty("route").GetString() == "/forgotten");

        var read = json.RootElement.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("permission").GetString() == "read:monitors");
        Assert.Equal("Monitors and their checks", read.GetProperty("description").GetString());
        Assert.Equal(["GET /v1/ws/monitors"], Strings(read, "endpoints"));

        Assert.Contains("| `read:monitors` | Monitors and their checks | `GET /v1/ws/monitors` |", app.Docs.Markdown);
        Assert.Contains("Event ingestion \\| batches", app.Docs.Markdown); // a pipe cannot break the table
        Assert.Contains("| GET | `/v1/organizations` | — | organizations key | disabled when the organizations key is not configured |", app.Docs.Markdown);
        Assert.Contains("## Undeclared endpoints", app.Docs.Markdown);
        Assert.Contains("| GET | `/forgotten` | `lambda` | `Program.cs` |", app.Docs.Markdown);
    }

    [Fact]
    public void The_manifest_is_unchanged_by_the_flags()
    {
        var app = GeneratorHarness.Run(Program);
        Assert.Equal(EndpointAccess.Key, app.Single("/v1/events", "POST").Access);
        Assert.Empty(app.Single("/v1/events", "POST").Permissions);
        Assert.Equal(["write:events"], app.Single("/v1/track", "POST").Permissions);
    }
}
