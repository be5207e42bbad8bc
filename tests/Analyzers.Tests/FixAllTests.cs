using Declarative.Auth.Analyzers.CodeFixes;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// Fix All, written the packages' way: Microsoft.CodeAnalysis.Testing fixes the marked diagnostics one at a time and
/// with Fix All in document, project and solution scope, and each must reach the written text in one Fix All pass.
/// </summary>
public class FixAllTests
{
    private static AppCodeFixTest Test(DiagnosticAnalyzer analyzer, CodeFixProvider provider, string key,
        (string Path, string Before, string After)[] files)
    {
        var test = new AppCodeFixTest(analyzer, provider) { CodeActionEquivalenceKey = key, NumberOfFixAllIterations = 1 };
        foreach (var (path, before, after) in files)
        {
            test.TestState.Sources.Add((path, SourceText.From(before)));
            test.FixedState.Sources.Add((path, SourceText.From(after)));
        }
        test.TestState.Sources.Add(("GlobalUsings.g.cs", SourceText.From(TestCompilation.GlobalUsings)));
        test.FixedState.Sources.Add(("GlobalUsings.g.cs", SourceText.From(TestCompilation.GlobalUsings)));
        return test;
    }

    [Fact]
    public async Task Fix_all_adds_RequiresKey_to_every_undeclared_endpoint_in_two_files()
    {
        var test = Test(new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), AddAuthDeclarationCodeFixProvider.RequiresKeyEquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.[|MapPost|]("/v1/events", (int batch) => batch);
                app.[|MapGet|]("/v1/monitors", () => "list");
                app.MapGet("/health", () => "ok").AllowAnonymous();
                app.Run();
                """, """
                var app = WebApplication.Create(args);
                app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] (int batch) => batch);
                app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
                app.MapGet("/health", () => "ok").AllowAnonymous();
                app.Run();
                """),
            ("Incidents.cs", """
                public static class Incidents
                {
                    // No call site in this compilation (a library's API): the endpoint is reported, and fixed, here.
                    public static void MapIncidents(this IEndpointRouteBuilder routes)
                        => routes.[|MapDelete|]("/v1/incidents/{id}", (string id) => id);
                }
                """, """
                public static class Incidents
                {
                    // No call site in this compilation (a library's API): the endpoint is reported, and fixed, here.
                    public static void MapIncidents(this IEndpointRouteBuilder routes)
                        => routes.MapDelete("/v1/incidents/{id}", [RequiresKey(KeyType.Delete, Scope = "incidents")] (string id) => id);
                }
                """),
        ]);
        test.NumberOfFixAllInDocumentIterations = 2; // one document at a time; project and solution scope in one pass
        await test.RunAsync();
    }

    // In the callers' file: a diagnostic the analyzer reports in another file than the Map call's gets no fix from the host.
    private const string Helpers = """

        public static class Helpers
        {
            public static RouteHandlerBuilder PostNamed(this IEndpointRouteBuilder builder, string pattern, Delegate handler)
                => builder.MapPost(pattern, handler).WithName("n" + pattern);

            public static RouteGroupBuilder MapReports(this RouteGroupBuilder group)
            {
                group.MapGet("/daily", () => "ok");
                return group;
            }

            public static void MapAudit(this RouteGroupBuilder group)
                => group.MapGet("/log", () => "ok");
        }
        """;

    [Fact]
    public async Task Fix_all_declares_at_each_call_of_a_helper_on_what_it_returns_or_the_group_it_is_given()
    {
        var test = Test(new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), AddAuthDeclarationCodeFixProvider.ChainRequiresKeyEquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.[|PostNamed|]("/v1/events", () => "ok");
                app.[|PostNamed|]("/v1/monitors", () => "ok");
                app.MapGroup("/reports").[|MapReports|]();
                app.MapGroup("/audit").[|MapAudit|]();
                app.Run();
                """ + Helpers, """
                var app = WebApplication.Create(args);
                app.PostNamed("/v1/events", () => "ok").RequireKey(KeyType.Write, "events");
                app.PostNamed("/v1/monitors", () => "ok").RequireKey(KeyType.Write, "monitors");
                app.MapGroup("/reports").MapReports().RequireKey(KeyType.Read, "reports");
                app.MapGroup("/audit").RequireKey(KeyType.Read, "audit").MapAudit();
                app.Run();
                """ + Helpers),
        ]);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_makes_each_call_of_a_wrapper_public_on_what_it_returns()
    {
        var test = Test(new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), AddAuthDeclarationCodeFixProvider.ChainAllowAnonymousEquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.[|PostNamed|]("/status", () => "ok");
                app.MapGroup("/reports").[|MapReports|]();
                app.MapGroup("/open").AllowAnonymous().MapAudit();
                app.Run();
                """ + Helpers, """
                var app = WebApplication.Create(args);
                app.PostNamed("/status", () => "ok").AllowAnonymous();
                app.MapGroup("/reports").MapReports().AllowAnonymous();
                app.MapGroup("/open").AllowAnonymous().MapAudit();
                app.Run();
                """ + Helpers),
        ]);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_adds_AllowAnonymous_to_every_undeclared_endpoint()
    {
        var test = Test(new MissingAuthDeclarationAnalyzer(), new AddAuthDeclarationCodeFixProvider(), AddAuthDeclarationCodeFixProvider.AllowAnonymousEquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.[|MapGet|]("/status", () => "ok");
                app.[|MapGet|]("/version", () => "1.0");
                app.Run();
                """, """
                var app = WebApplication.Create(args);
                app.MapGet("/status", [AllowAnonymous] () => "ok");
                app.MapGet("/version", [AllowAnonymous] () => "1.0");
                app.Run();
                """),
        ]);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_removes_every_contradicting_AllowAnonymous()
    {
        var test = Test(new ContradictionAnalyzer(), new RemoveContradictionCodeFixProvider(), RemoveContradictionCodeFixProvider.RemoveAnonymousEquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGet("/v1/a", [{|DAUTH003:RequiresKey(KeyType.Read, Scope = "a")|}, AllowAnonymous] () => "a");
                app.MapGet("/v1/b", [{|DAUTH003:RequiresKey(KeyType.Read, Scope = "b")|}, AllowAnonymous] () => "b");
                app.Run();
                """, """
                var app = WebApplication.Create(args);
                app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = "a")] () => "a");
                app.MapGet("/v1/b", [RequiresKey(KeyType.Read, Scope = "b")] () => "b");
                app.Run();
                """),
        ]);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_removes_every_scope_given_to_an_admin_key()
    {
        var test = Test(new DeclarationAnalyzer(), new RemoveAdminScopeCodeFixProvider(), RemoveAdminScopeCodeFixProvider.EquivalenceKey,
        [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGet("/v1/a", [RequiresKey(KeyType.Admin, Scope = {|DAUTH004:"a"|})] () => "a");
                app.MapGet("/v1/b", [RequiresKey(KeyType.Admin, Scope = {|DAUTH004:"b"|})] () => "b");
                app.Run();
                """, """
                var app = WebApplication.Create(args);
                app.MapGet("/v1/a", [RequiresKey(KeyType.Admin)] () => "a");
                app.MapGet("/v1/b", [RequiresKey(KeyType.Admin)] () => "b");
                app.Run();
                """),
        ]);
        await test.RunAsync();
    }
}
