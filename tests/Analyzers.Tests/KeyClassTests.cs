using Declarative.Auth.Analyzers.CodeFixes;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH014–017: key classes that do not mix on one endpoint.</summary>
public class KeyClassTests
{
    private static Task<IReadOnlyList<ReportedDiagnostic>> VerifyAsync((string Path, string Markup)[] files, params string[] messages)
        => Verify.WithAsync([new KeyClassAnalyzer()], files, messages);

    private static Task<IReadOnlyList<ReportedDiagnostic>> VerifyAsync(string program, params string[] messages)
        => VerifyAsync([("Program.cs", program)], messages);

    [Fact]
    public Task DAUTH014_fires_on_EventIngestion_where_the_endpoint_reads_or_deletes()
        => VerifyAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH014:MapGet|}("/v1/events", [EventIngestion][RequiresKey(KeyType.Read, Scope = "events")] () => "list");
            app.{|DAUTH014:MapDelete|}("/v1/events/{id}", (string id) => id).RequireKey(KeyType.Delete, "events").AcceptEventWriteKeys();
            app.{|DAUTH014:MapMethods|}("/v1/batches", ["GET", "POST"], [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] () => "x");

            // Sending events: what ingestion is for.
            app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] () => "ok");
            app.MapPost("/v1/event", [EventIngestion] () => "ok");
            app.Run();
            """,
            "Endpoint 'GET /v1/events' accepts event write keys ([EventIngestion]) but answers GET: every event write key, which ships inside browser and mobile SDKs, could read here, with CORS open; remove [EventIngestion]",
            "Endpoint 'DELETE /v1/events/{id}' accepts event write keys ([EventIngestion]) but answers DELETE: every event write key, which ships inside browser and mobile SDKs, could delete here, with CORS open; remove [EventIngestion]",
            "Endpoint 'GET,POST /v1/batches' accepts event write keys ([EventIngestion]) but answers GET: every event write key, which ships inside browser and mobile SDKs, could read here, with CORS open; remove [EventIngestion]");

    [Fact]
    public Task DAUTH015_fires_on_EventIngestion_where_admin_is_required_on_the_handler_or_the_group()
        => VerifyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.{|DAUTH015:MapPost|}("/v1/replay", [EventIngestion][RequiresKey(KeyType.Admin)] () => "ok");
            var admin = app.MapGroup("/admin").RequireKey(KeyType.Admin);
            admin.{|DAUTH015:MapPost|}("/import", () => "ok").AcceptEventWriteKeys();
            app.Run();
            """), ("Controllers.cs", """
            [{|DAUTH015:EventIngestion|}, RequiresKey(KeyType.Admin)]
            public sealed class ImportsController : ControllerBase
            {
                [HttpPost("imports")] public string Create() => "ok";
                [HttpPut("imports")] public string Replace() => "ok";
            }
            """)],
            "Endpoint 'POST /imports' requires an admin key but also accepts event write keys ([EventIngestion]); the verifier lets every event write key through an ingestion endpoint whatever it requires, so the weakest key passes where the strongest is demanded; remove [EventIngestion]",
            "Endpoint 'POST /v1/replay' requires an admin key but also accepts event write keys ([EventIngestion]); the verifier lets every event write key through an ingestion endpoint whatever it requires, so the weakest key passes where the strongest is demanded; remove [EventIngestion]",
            "Endpoint 'POST /admin/import' requires an admin key but also accepts event write keys ([EventIngestion]); the verifier lets every event write key through an ingestion endpoint whatever it requires, so the weakest key passes where the strongest is demanded; remove [EventIngestion]");

    [Fact]
    public Task DAUTH016_fires_on_a_key_requirement_next_to_the_organizations_key()
        => VerifyAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH016:MapGet|}("/v1/organizations", [RequiresOrganizationsKey][RequiresKey(KeyType.Admin)] () => "orgs");
            app.{|DAUTH016:MapGet|}("/v1/orgs", () => "orgs").RequireOrganizationsKey().RequireAnyKey();
            var admin = app.MapGroup("/admin").RequireKey(KeyType.Admin);
            admin.{|DAUTH016:MapGet|}("/organizations", [RequiresOrganizationsKey] () => "orgs");

            app.MapGet("/v2/organizations", [RequiresOrganizationsKey] () => "orgs");
            app.Run();
            """,
            "Endpoint 'GET /v1/organizations' requires the organizations key and also [RequiresKey(admin)]; the organizations key wins, so no API key (admin included) is accepted here and [RequiresKey(admin)] is never checked; remove [RequiresKey(admin)], or [RequiresOrganizationsKey] if API keys are meant",
            "Endpoint 'GET /v1/orgs' requires the organizations key and also [RequiresAnyKey]; the organizations key wins, so no API key (admin included) is accepted here and [RequiresAnyKey] is never checked; remove [RequiresAnyKey], or [RequiresOrganizationsKey] if API keys are meant",
            "Endpoint 'GET /admin/organizations' requires the organizations key and also [RequiresKey(admin)]; the organizations key wins, so no API key (admin included) is accepted here and [RequiresKey(admin)] is never checked; remove [RequiresKey(admin)], or [RequiresOrganizationsKey] if API keys are meant");

    [Fact]
    public Task DAUTH017_fires_on_an_admin_workspace_endpoint_no_request_can_name_a_workspace_for()
        => VerifyAsync("""
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.FromRoute("workspaceId"));
            var app = builder.Build();
            app.{|DAUTH017:MapPost|}("/settings", [RequiresKey(KeyType.Admin)][RequiresWorkspace] () => "ok");
            app.MapPost("/w/{workspaceId}/settings", [RequiresKey(KeyType.Admin)][RequiresWorkspace] () => "ok");
            app.MapPost("/reports", [RequiresKey(KeyType.Write, Scope = "reports")][RequiresWorkspace] () => "ok");
            app.Run();
            """,
            "Endpoint 'POST /settings' requires admin and a workspace, but its route has none of the places the verifier reads a workspace from (the '{workspaceId}' route segment); an admin key restricted to a workspace works in its own, every unrestricted admin key is refused with 400 WORKSPACE_REQUIRED; add the workspace to the route, configure a header or query source, or remove [RequiresWorkspace]");

    [Fact]
    public Task DAUTH017_is_silent_with_the_default_sources_because_a_header_can_always_name_the_workspace()
        => VerifyAsync("""
            var app = WebApplication.Create(args);
            app.MapPost("/settings", [RequiresKey(KeyType.Admin)][RequiresWorkspace] () => "ok");
            app.Run();
            """);

    [Fact]
    public async Task DAUTH014_fix_removes_EventIngestion_and_fix_all_covers_attributes_and_calls()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/events", [EventIngestion][RequiresKey(KeyType.Read, Scope = "events")] () => "list");
            app.MapDelete("/v1/events/{id}", (string id) => id).RequireKey(KeyType.Delete, "events").AcceptEventWriteKeys();
            app.MapPost("/v1/replay", [EventIngestion, RequiresKey(KeyType.Admin)] () => "ok");
            app.Run();
            """)], new KeyClassAnalyzer(), new RemoveKeyClassDeclarationCodeFixProvider(), RemoveKeyClassDeclarationCodeFixProvider.RemoveEventIngestionEquivalenceKey,
            diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "list");
            app.MapDelete("/v1/events/{id}", (string id) => id).RequireKey(KeyType.Delete, "events");
            app.MapPost("/v1/replay", [RequiresKey(KeyType.Admin)] () => "ok");
            app.Run();
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH016_fix_removes_the_key_requirement_the_organizations_key_overrides()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/organizations", [RequiresOrganizationsKey][RequiresKey(KeyType.Admin)] () => "orgs");
            app.Run();
            """)], new KeyClassAnalyzer(), new RemoveKeyClassDeclarationCodeFixProvider(), RemoveKeyClassDeclarationCodeFixProvider.RemoveKeyEquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Remove [RequiresKey]"], result.Titles);
        Assert.Equal("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "orgs");
            app.Run();
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task No_fix_is_offered_where_the_declaration_is_a_groups()
    {
        var offered = await CodeFixRunner.OfferedAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            var admin = app.MapGroup("/admin").RequireKey(KeyType.Admin);
            admin.MapGet("/organizations", [RequiresOrganizationsKey] () => "orgs");
            app.Run();
            """)], new KeyClassAnalyzer(), new RemoveKeyClassDeclarationCodeFixProvider());
        Assert.Equal([[]], offered);
    }

    [Fact]
    public async Task DAUTH015_fix_removes_EventIngestion_from_a_controller()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", Verify.EmptyProgram), ("Controllers.cs", """
            [EventIngestion, RequiresKey(KeyType.Admin)]
            public sealed class ImportsController : ControllerBase
            {
                [HttpPost("imports")] public string Create() => "ok";
            }
            """)], new KeyClassAnalyzer(), new RemoveKeyClassDeclarationCodeFixProvider(), RemoveKeyClassDeclarationCodeFixProvider.RemoveEventIngestionEquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.StartsWith("""
            [RequiresKey(KeyType.Admin)]
            public sealed class ImportsController
            """, result.Documents["Controllers.cs"]);
    }

    [Fact]
    public async Task The_rules_stay_quiet_on_shapes_they_cannot_read()
    {
        // A delegate variable, a route and HTTP methods that are not constants: no throw, no guess.
        var diagnostics = await AnalyzerRunner.RunAsync(TestCompilation.Create("""
            var app = WebApplication.Create(args);
            Delegate handler = () => "x";
            var route = args[0];
            app.MapGet(route, [RequiresKey(KeyType.Read, Scope = "x")] (string workspaceId) => workspaceId);
            app.MapGet("/w/{workspaceId}", handler).RequireKey(KeyType.Read, "x").RequireWorkspace();
            app.MapMethods("/m", args, [RequiresKey(KeyType.Read, Scope = "x")][EventIngestion] () => "m");
            app.Run();
            """), new TenantIsolationAnalyzer(), new KeyClassAnalyzer());
        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));
    }
}
