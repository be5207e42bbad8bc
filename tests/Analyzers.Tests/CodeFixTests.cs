using Declarative.Auth.Analyzers.CodeFixes;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>The DAUTH001 fixes: each is applied in a workspace, the result recompiles and DAUTH001 is gone.</summary>
public class CodeFixTests
{
    private const string RequiresKey = AddAuthDeclarationCodeFixProvider.RequiresKeyEquivalenceKey;
    private const string AllowAnonymous = AddAuthDeclarationCodeFixProvider.AllowAnonymousEquivalenceKey;

    private static Task<CodeFixResult> FixAsync(string key, bool globalUsings, params (string Path, string Text)[] sources)
        => CodeFixRunner.ApplyAsync(sources, new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), key, globalUsings);

    [Fact]
    public async Task RequiresKey_is_added_to_a_lambda_with_key_type_from_the_method_and_scope_from_the_route()
    {
        var result = await FixAsync(RequiresKey, true, ("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapPost("/v1/events", (int batch) => batch);
            app.Run();
            """));

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Add [RequiresKey(KeyType.Write, Scope = \"events\")]", "Add [AllowAnonymous]"], result.Titles);
        Assert.Equal("""
            var app = WebApplication.Create(args);
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] (int batch) => batch);
            app.Run();
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task A_single_parameter_lambda_gets_the_parentheses_attributes_require()
    {
        var result = await FixAsync(AllowAnonymous, true, ("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/raw", context => context.Response.WriteAsync("x"));
            app.MapDelete("/v1/items/{id}", async context => await context.Response.WriteAsync("y"));
            app.Run();
            """));

        Assert.Single(result.DiagnosticsAfter);
        Assert.Contains("""app.MapGet("/v1/raw", [AllowAnonymous] (context) => context.Response.WriteAsync("x"));""", result.Documents["Program.cs"]);

        var second = await CodeFixRunner.ApplyAsync(
            [("Program.cs", result.Documents["Program.cs"])], new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), RequiresKey,
            globalUsings: true);
        Assert.Empty(second.DiagnosticsAfter);
        Assert.Contains("""app.MapDelete("/v1/items/{id}", [RequiresKey(KeyType.Delete, Scope = "items")] async (context) => await context.Response.WriteAsync("y"));""",
            second.Documents["Program.cs"]);
    }

    [Fact]
    public async Task RequiresKey_on_a_local_function_goes_on_its_own_line_and_adds_the_using()
    {
        var result = await FixAsync(RequiresKey, false, ("Program.cs", """
            using Microsoft.AspNetCore.Builder;

            var app = WebApplication.Create(args);
            var api = app.MapGroup("/v2");
            api.MapGet("/Monitors", ListMonitors);
            app.Run();

            static string ListMonitors() => "monitors";
            """));

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal("""
            using Microsoft.AspNetCore.Builder;
            using Declarative.Auth;

            var app = WebApplication.Create(args);
            var api = app.MapGroup("/v2");
            api.MapGet("/Monitors", ListMonitors);
            app.Run();

            [RequiresKey(KeyType.Read, Scope = "monitors")]
            static string ListMonitors() => "monitors";
            """, result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task AllowAnonymous_on_a_method_group_target_in_another_file_edits_that_file()
    {
        var result = await FixAsync(AllowAnonymous, false,
            ("Program.cs", """
                using Microsoft.AspNetCore.Builder;

                var app = WebApplication.Create(args);
                app.MapGet("/health", Handlers.Health);
                app.Run();
                """),
            ("Handlers.cs", """
                namespace App
                {
                }

                static class Handlers
                {
                    /// <summary>Liveness.</summary>
                    public static string Health() => "ok";
                }
                """));

        Assert.Empty(result.DiagnosticsAfter);
        Assert.DoesNotContain("AllowAnonymous", result.Documents["Program.cs"]);
        Assert.Equal("""
            using Microsoft.AspNetCore.Authorization;
            namespace App
            {
            }

            static class Handlers
            {
                /// <summary>Liveness.</summary>
                [AllowAnonymous]
                public static string Health() => "ok";
            }
            """, result.Documents["Handlers.cs"]);
    }

    [Fact]
    public async Task RequiresKey_is_added_to_a_controller_action()
    {
        var result = await FixAsync(RequiresKey, true,
            ("Program.cs", Verify.EmptyProgram),
            ("Controllers/IncidentsController.cs", """
                [Route("api/v1/incidents")]
                public sealed class IncidentsController : ControllerBase
                {
                    [HttpPatch("{id}")]
                    public IActionResult Update(int id) => Ok(id);
                }
                """));

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal("""
            [Route("api/v1/incidents")]
            public sealed class IncidentsController : ControllerBase
            {
                [RequiresKey(KeyType.Write, Scope = "incidents")]
                [HttpPatch("{id}")]
                public IActionResult Update(int id) => Ok(id);
            }
            """, result.Documents["Controllers/IncidentsController.cs"]);
    }

    [Fact]
    public async Task An_inherited_action_is_fixed_on_the_base_method()
    {
        var result = await FixAsync(AllowAnonymous, true,
            ("Program.cs", Verify.EmptyProgram),
            ("Controllers.cs", """
                public abstract class ApiBase : ControllerBase
                {
                    public IActionResult Ping() => Ok();
                }

                public sealed class StatusController : ApiBase { }
                """));

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Contains("""
                [AllowAnonymous]
                public IActionResult Ping() => Ok();
            """, result.Documents["Controllers.cs"]);
    }

    [Fact]
    public async Task Fix_all_declares_every_endpoint_of_the_project_at_once()
    {
        var result = await CodeFixRunner.ApplyAsync(
            [
                ("Program.cs", """
                    var app = WebApplication.Create(args);
                    var v1 = app.MapGroup("/v1");
                    v1.MapGet("/events", () => "a");
                    v1.MapPost("/events", (int x) => x);
                    v1.MapDelete("/events/{id}", Delete);
                    app.Run();

                    static int Delete(int id) => id;
                    """),
                ("Controllers.cs", """
                    public sealed class SourcesController : ControllerBase
                    {
                        [HttpGet] public IActionResult List() => Ok();
                        [HttpPut] public IActionResult Put() => Ok();
                    }
                    """),
            ],
            new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), RequiresKey, globalUsings: true, diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        var program = result.Documents["Program.cs"];
        Assert.Contains("""v1.MapGet("/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "a");""", program);
        Assert.Contains("""v1.MapPost("/events", [RequiresKey(KeyType.Write, Scope = "events")] (int x) => x);""", program);
        Assert.Contains("""
            [RequiresKey(KeyType.Delete, Scope = "events")]
            static int Delete(int id) => id;
            """, program);
        Assert.Contains("[RequiresKey(KeyType.Read, Scope = \"sources\")]", result.Documents["Controllers.cs"]);
        Assert.Contains("[RequiresKey(KeyType.Write, Scope = \"sources\")]", result.Documents["Controllers.cs"]);
    }

    [Fact]
    public async Task No_fix_is_offered_when_the_handler_is_not_in_source_or_not_a_lambda()
    {
        var offered = await CodeFixRunner.OfferedAsync(
            [("Program.cs", """
                var app = WebApplication.Create(args);
                RequestDelegate handler = GetHandler();
                app.MapGet("/v1/x", handler);
                app.MapGet("/v1/y", delegate (HttpContext context) { return Task.CompletedTask; });
                app.MapGet("/v1/z", () => "z");
                app.Run();

                static RequestDelegate GetHandler() => context => Task.CompletedTask;
                """)],
            new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider());

        Assert.Equal(3, offered.Count);
        Assert.Empty(offered[0]);
        Assert.Empty(offered[1]);
        Assert.Equal(["Add [RequiresKey(KeyType.Read, Scope = \"z\")]", "Add [AllowAnonymous]"], offered[2]);
    }

    [Fact]
    public async Task Fix_all_adds_one_attribute_when_several_endpoints_share_a_handler()
    {
        var result = await CodeFixRunner.ApplyAsync(
            [
                ("Program.cs", """
                    var app = WebApplication.Create(args);
                    app.MapGet("/v1/a", Shared);
                    app.MapGet("/v1/b", Shared);
                    app.Run();

                    static string Shared() => "x";
                    """),
                ("Controllers.cs", """
                    public abstract class ApiBase : ControllerBase
                    {
                        public IActionResult Ping() => Ok();
                    }

                    public sealed class OneController : ApiBase { }
                    public sealed class TwoController : ApiBase { }
                    """),
            ],
            new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), AllowAnonymous, globalUsings: true, diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Documents["Program.cs"], "AllowAnonymous"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Documents["Controllers.cs"], "AllowAnonymous"));
    }
}
