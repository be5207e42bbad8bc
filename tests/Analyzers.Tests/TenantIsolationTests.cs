using Declarative.Auth.Analyzers.CodeFixes;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH011–013: the workspace a handler works in is the one the verifier checked.</summary>
public class TenantIsolationTests
{
    private static Task<IReadOnlyList<ReportedDiagnostic>> VerifyAsync(string program, params string[] messages)
        => Verify.WithAsync([new TenantIsolationAnalyzer()], [("Program.cs", program)], messages);

    private static Task<IReadOnlyList<ReportedDiagnostic>> VerifyAsync((string Path, string Markup)[] files, params string[] messages)
        => Verify.WithAsync([new TenantIsolationAnalyzer()], files, messages);

    [Fact]
    public Task DAUTH011_fires_on_a_key_endpoint_whose_route_names_the_workspace_and_that_is_not_workspace_scoped()
        => VerifyAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH011:MapGet|}("/w/{workspaceId}/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")] (string workspaceId) => workspaceId);
            app.{|DAUTH011:MapDelete|}("/w/{WorkspaceId:guid}/tasks/{id}", (Guid workspaceId, string id) => id).RequireKey(KeyType.Delete, "tasks");

            // Workspace-scoped on the handler, the chain or the group: fine.
            app.MapGet("/w/{workspaceId}/items", [RequiresKey(KeyType.Read, Scope = "items")][RequiresWorkspace] (HttpContext c) => c.GetWorkspace());
            app.MapGet("/w/{workspaceId}/notes", [RequiresKey(KeyType.Read, Scope = "notes")] (HttpContext c) => c.GetWorkspace()).RequireWorkspace();
            var scoped = app.MapGroup("/s/{workspaceId}").RequireWorkspace().RequireKey(KeyType.Read, "reports");
            scoped.MapGet("/reports", (HttpContext c) => c.GetWorkspace());

            // Not a key endpoint (the verifier resolves no workspace there), or no workspace in the route.
            app.MapGet("/open/{workspaceId}", [AllowAnonymous] (string workspaceId) => workspaceId);
            app.MapGet("/t/{id}", [RequiresKey(KeyType.Read, Scope = "t")] (string id) => id);
            app.MapGet("/t/{workspace}/x", [RequiresKey(KeyType.Read, Scope = "t")] (string workspace) => workspace);
            app.Run();
            """,
            "Endpoint 'GET /w/{workspaceId}/tasks' has the workspace route parameter '{workspaceId}' but is not workspace-scoped, so the verifier resolves no workspace for keys that are not restricted to one and the permission table does not mark it; add [RequiresWorkspace] (or .RequireWorkspace())",
            "Endpoint 'DELETE /w/{WorkspaceId:guid}/tasks/{id}' has the workspace route parameter '{WorkspaceId}' but is not workspace-scoped, so the verifier resolves no workspace for keys that are not restricted to one and the permission table does not mark it; add [RequiresWorkspace] (or .RequireWorkspace())");

    [Fact]
    public Task DAUTH011_follows_a_configured_route_source_and_controller_routes()
        => VerifyAsync([("Program.cs", """
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.FromRoute("tenant"));
            var app = builder.Build();
            app.{|DAUTH011:MapGet|}("/t/{tenant}/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")] (string tenant) => tenant);
            app.MapControllers();
            app.Run();
            """), ("Controllers.cs", """
            [ApiController]
            [Route("w/{workspaceId}/reports")]
            public sealed class ReportsController : ControllerBase
            {
                [HttpGet, RequiresKey(KeyType.Read, Scope = "reports")]
                public string {|DAUTH011:List|}(string workspaceId) => workspaceId;

                [HttpPost, RequiresKey(KeyType.Write, Scope = "reports"), RequiresWorkspace]
                public string Create() => "ok";
            }
            """)],
            "Endpoint 'GET /w/{workspaceId}/reports' has the workspace route parameter '{workspaceId}' but is not workspace-scoped, so the verifier resolves no workspace for keys that are not restricted to one and the permission table does not mark it; add [RequiresWorkspace] (or .RequireWorkspace())",
            "Endpoint 'GET /t/{tenant}/tasks' has the workspace route parameter '{tenant}' but is not workspace-scoped, so the verifier resolves no workspace for keys that are not restricted to one and the permission table does not mark it; add [RequiresWorkspace] (or .RequireWorkspace())");

    [Fact]
    public async Task DAUTH011_fix_adds_RequiresWorkspace_to_the_handler_and_the_diagnostic_is_gone()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/w/{workspaceId}/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")] (string workspaceId) => workspaceId);
            app.Run();
            """)], new TenantIsolationAnalyzer(), new AddRequiresWorkspaceCodeFixProvider(), AddRequiresWorkspaceCodeFixProvider.EquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Add [RequiresWorkspace]"], result.Titles);
        Assert.Equal("""
            var app = WebApplication.Create(args);
            app.MapGet("/w/{workspaceId}/tasks", [RequiresWorkspace][RequiresKey(KeyType.Read, Scope = "tasks")] (string workspaceId) => workspaceId);
            app.Run();
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH011_fix_all_scopes_every_endpoint_a_method_group_and_an_action_included()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/w/{workspaceId}/tasks", ListTasks).RequireKey(KeyType.Read, "tasks");
            app.MapPost("/w/{workspaceId}/tasks", [RequiresKey(KeyType.Write, Scope = "tasks")] (string workspaceId) => workspaceId);
            app.Run();

            static string ListTasks(string workspaceId) => workspaceId;
            """), ("Controllers.cs", """
            [Route("w/{workspaceId}/reports")]
            public sealed class ReportsController : ControllerBase
            {
                [HttpGet, RequiresKey(KeyType.Read, Scope = "reports")]
                public string List(string workspaceId) => workspaceId;
            }
            """)], new TenantIsolationAnalyzer(), new AddRequiresWorkspaceCodeFixProvider(), AddRequiresWorkspaceCodeFixProvider.EquivalenceKey,
            diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Contains("""
                [RequiresWorkspace]
                [HttpGet, RequiresKey(KeyType.Read, Scope = "reports")]
                public string List(string workspaceId) => workspaceId;
            """, result.Documents["Controllers.cs"]);
        Assert.Contains("""
            [RequiresWorkspace]
            static string ListTasks(string workspaceId) => workspaceId;
            """, result.Documents["Program.cs"]);
        Assert.Contains("""app.MapPost("/w/{workspaceId}/tasks", [RequiresWorkspace][RequiresKey""", result.Documents["Program.cs"]);
    }

    [Fact]
    public Task DAUTH012_fires_on_a_workspace_parameter_bound_from_a_place_the_default_sources_do_not_read()
        => VerifyAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace]
                ([FromHeader(Name = "X-Workspace")] string {|DAUTH012:workspace|}) => workspace);
            app.MapGet("/notes", [RequiresKey(KeyType.Read, Scope = "notes")][RequiresWorkspace]
                ([FromQuery(Name = "ws")] string {|DAUTH012:workspaceId|}) => workspaceId);

            // What the verifier reads by default: the 'Workspace' header, the workspaceId query value, the {workspaceId} route value.
            app.MapGet("/a", [RequiresKey(KeyType.Read, Scope = "a")][RequiresWorkspace] ([FromHeader(Name = "workspace")] string workspace) => workspace);
            app.MapGet("/b", [RequiresKey(KeyType.Read, Scope = "b")][RequiresWorkspace] (string workspaceId) => workspaceId);
            app.MapGet("/c/{workspaceId}", [RequiresKey(KeyType.Read, Scope = "c")][RequiresWorkspace] (string workspaceId) => workspaceId);
            // Not workspace-scoped: DAUTH012 does not apply.
            app.MapGet("/d", [RequiresKey(KeyType.Read, Scope = "d")] ([FromHeader(Name = "X-Workspace")] string workspace) => workspace);
            app.Run();
            """,
            "Parameter 'workspace' of 'GET /tasks' binds the workspace from the 'X-Workspace' header, which the verifier does not check (it reads the 'Workspace' header, the 'workspaceId' query parameter, the '{workspaceId}' route segment); a key restricted to one workspace can name another there; bind it from the 'Workspace' header, or read HttpContext.GetWorkspace()",
            "Parameter 'workspaceId' of 'GET /notes' binds the workspace from the 'ws' query parameter, which the verifier does not check (it reads the 'Workspace' header, the 'workspaceId' query parameter, the '{workspaceId}' route segment); a key restricted to one workspace can name another there; bind it from the 'workspaceId' query parameter, or read HttpContext.GetWorkspace()");

    [Fact]
    public Task DAUTH012_reads_the_configured_sources_and_implicit_bindings()
        => VerifyAsync("""
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.FromHeader("Acme-Workspace"));
            var app = builder.Build();
            app.MapGet("/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace] (string {|DAUTH012:workspaceId|}) => workspaceId);
            app.MapGet("/w/{workspaceId}/notes", [RequiresKey(KeyType.Read, Scope = "notes")][RequiresWorkspace] (string {|DAUTH012:workspaceId|}) => workspaceId);
            app.MapGet("/items", [RequiresKey(KeyType.Read, Scope = "items")][RequiresWorkspace] ([FromHeader(Name = "Acme-Workspace")] string workspace) => workspace);
            app.Run();
            """,
            "Parameter 'workspaceId' of 'GET /tasks' binds the workspace from the 'workspaceId' query parameter, which the verifier does not check (it reads the 'Acme-Workspace' header); a key restricted to one workspace can name another there; read HttpContext.GetWorkspace() instead",
            "Parameter 'workspaceId' of 'GET /w/{workspaceId}/notes' binds the workspace from the '{workspaceId}' route segment, which the verifier does not check (it reads the 'Acme-Workspace' header); a key restricted to one workspace can name another there; read HttpContext.GetWorkspace() instead");

    [Fact]
    public async Task DAUTH012_fix_binds_from_the_route_the_verifier_checks_instead_of_the_query()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            using Declarative.Auth;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.FromRoute("workspaceId"));
            var app = builder.Build();
            app.MapGet("/w/{workspaceId}/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace]
                ([Microsoft.AspNetCore.Mvc.FromQuery] string workspaceId) => workspaceId);
            app.Run();
            """)], new TenantIsolationAnalyzer(), new BindWorkspaceCodeFixProvider(), BindWorkspaceCodeFixProvider.EquivalenceKey, globalUsings: false);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Bind from [FromRoute]"], result.Titles);
        Assert.Equal("""
            using Declarative.Auth;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.AspNetCore.Mvc;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.FromRoute("workspaceId"));
            var app = builder.Build();
            app.MapGet("/w/{workspaceId}/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace]
                ([FromRoute] string workspaceId) => workspaceId);
            app.Run();
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH012_fix_all_renames_the_bindings_and_leaves_no_fix_where_none_is_clear()
    {
        var sources = new[] { ("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace] ([FromHeader(Name = "X-Workspace")] string workspace) => workspace);
            app.MapGet("/notes", [RequiresKey(KeyType.Read, Scope = "notes")][RequiresWorkspace] ([FromQuery(Name = "ws"), System.ComponentModel.DataAnnotations.Required] string workspaceId) => workspaceId);
            app.MapPost("/items", [RequiresKey(KeyType.Write, Scope = "items")][RequiresWorkspace] ([FromForm] string workspaceId) => workspaceId).DisableAntiforgery();
            app.Run();
            """) };
        var offered = await CodeFixRunner.OfferedAsync(sources, new TenantIsolationAnalyzer(), new BindWorkspaceCodeFixProvider());
        Assert.Equal([["Bind from [FromHeader(Name = \"Workspace\")]"], ["Bind from [FromQuery]"], []], offered);

        var result = await CodeFixRunner.ApplyAsync(sources, new TenantIsolationAnalyzer(), new BindWorkspaceCodeFixProvider(), BindWorkspaceCodeFixProvider.EquivalenceKey,
            diagnosticIndex: null);
        Assert.Single(result.DiagnosticsAfter); // the form field: only the handler's author can say where the workspace should come from
        Assert.Contains("""([FromHeader(Name = "Workspace")] string workspace) => workspace""", result.Documents["Program.cs"]);
        Assert.Contains("""([FromQuery][System.ComponentModel.DataAnnotations.Required] string workspaceId)""", result.Documents["Program.cs"]);
    }

    [Fact]
    public Task DAUTH013_fires_on_a_workspace_scoped_endpoint_whose_body_carries_a_workspace_id()
        => VerifyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapPost("/tasks", [RequiresKey(KeyType.Write, Scope = "tasks")][RequiresWorkspace] (NewTask {|DAUTH013:task|}, HttpContext c) => task.Title);
            app.MapPost("/notes", [RequiresKey(KeyType.Write, Scope = "notes")][RequiresWorkspace] ([FromBody] Note {|DAUTH013:note|}) => note.Text);
            app.MapPost("/raw", [RequiresKey(KeyType.Write, Scope = "raw")][RequiresWorkspace] ([FromBody] string {|DAUTH013:workspaceId|}) => workspaceId);

            // No workspace in the body, or not workspace-scoped.
            app.MapPost("/ok", [RequiresKey(KeyType.Write, Scope = "ok")][RequiresWorkspace] (Plain body, HttpContext c) => c.GetWorkspace());
            app.MapPost("/admin/moves", [RequiresKey(KeyType.Admin)] (NewTask task) => task.Title);
            app.Run();
            """), ("Models.cs", """
            public sealed record NewTask(string Title, string WorkspaceId);
            public class Note
            {
                public string Text { get; set; } = "";
                [System.Text.Json.Serialization.JsonPropertyName("workspace")]
                public string? Target { get; set; }
            }
            public sealed record Plain(string Title);
            """)],
            "Endpoint 'POST /tasks' is workspace-scoped but reads 'WorkspaceId' from the request body (parameter 'task'); the verifier never checks the body, so a key restricted to one workspace can name another there; use HttpContext.GetWorkspace() and drop 'WorkspaceId' from the body",
            "Endpoint 'POST /notes' is workspace-scoped but reads 'Target' from the request body (parameter 'note'); the verifier never checks the body, so a key restricted to one workspace can name another there; use HttpContext.GetWorkspace() and drop 'Target' from the body",
            "Endpoint 'POST /raw' is workspace-scoped but reads 'workspaceId' from the request body (parameter 'workspaceId'); the verifier never checks the body, so a key restricted to one workspace can name another there; use HttpContext.GetWorkspace() and drop 'workspaceId' from the body");

    [Fact]
    public Task DAUTH013_reads_ApiController_bodies_and_not_other_controllers_model_binding()
        => VerifyAsync([("Program.cs", Verify.EmptyProgram), ("Controllers.cs", """
            public sealed record Move(string WorkspaceId);

            [ApiController, Route("moves"), RequiresWorkspace]
            public sealed class MovesController : ControllerBase
            {
                [HttpPost, RequiresKey(KeyType.Write, Scope = "moves")]
                public string Create(Move {|DAUTH013:move|}) => move.WorkspaceId;
            }

            [Route("legacy"), RequiresWorkspace]
            public sealed class LegacyController : ControllerBase
            {
                [HttpPost, RequiresKey(KeyType.Write, Scope = "legacy")]
                public string Create(Move move) => move.WorkspaceId;
            }
            """)]);

    [Fact]
    public Task DAUTH012_stays_quiet_when_a_source_is_added_in_a_way_the_build_cannot_read()
        => VerifyAsync("""
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDeclarativeAuth(o => o.Workspace.Sources.Add(new WorkspaceSource(WorkspaceSourceKind.Header, args[0])));
            var app = builder.Build();
            app.MapGet("/tasks", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace] ([FromHeader(Name = "X-Workspace")] string workspace) => workspace);
            app.Run();
            """);
}
