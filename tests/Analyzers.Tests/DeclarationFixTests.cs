using Declarative.Auth.Analyzers.CodeFixes;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>The DAUTH002/DAUTH005 and DAUTH003 fixes: applied in a workspace, recompiled, the diagnostic gone.</summary>
public class DeclarationFixTests
{
    [Fact]
    public async Task DAUTH002_fix_replaces_a_misspelt_scope_with_the_declared_one()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            [assembly: PermissionScope("events", "Events")]
            var app = WebApplication.Create(args);
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "evnets")] () => "a");
            app.Run();
            """)], new DeclarationAnalyzer(), new ReplaceScopeCodeFixProvider(), ReplaceScopeCodeFixProvider.EquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Use scope 'events'"], result.Titles);
        Assert.Contains("""[RequiresKey(KeyType.Write, Scope = "events")]""", result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH002_fix_works_on_a_fluent_RequireKey_and_no_fix_is_offered_without_a_close_scope()
    {
        var sources = new[] { ("Program.cs", """
            [assembly: PermissionScope("monitors", "Monitors")]
            var app = WebApplication.Create(args);
            app.MapGet("/v1/billing", () => "a").RequireKey(KeyType.Read, "billing");
            app.MapGet("/v1/monitors", () => "b").RequireKey(KeyType.Read, "monitor");
            app.Run();
            """) };
        var offered = await CodeFixRunner.OfferedAsync(sources, new DeclarationAnalyzer(), new ReplaceScopeCodeFixProvider());
        Assert.Equal(2, offered.Count);
        Assert.Empty(offered[0]);
        Assert.Equal(["Use scope 'monitors'"], offered[1]);

        var result = await CodeFixRunner.ApplyAsync(sources, new DeclarationAnalyzer(), new ReplaceScopeCodeFixProvider(),
            ReplaceScopeCodeFixProvider.EquivalenceKey, diagnosticIndex: 1);
        Assert.Single(result.DiagnosticsAfter); // 'billing' stays: nothing close to suggest
        Assert.Contains("""RequireKey(KeyType.Read, "monitors");""", result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH005_fix_writes_a_valid_scope()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/pages", [RequiresKey(KeyType.Read, Scope = "Status Pages")] () => "a");
            app.Run();
            """)], new DeclarationAnalyzer(), new ReplaceScopeCodeFixProvider(), ReplaceScopeCodeFixProvider.EquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Contains("""[RequiresKey(KeyType.Read, Scope = "status-pages")]""", result.Documents["Program.cs"]);
    }

    private const string Contradictions = """
        var app = WebApplication.Create(args);
        app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = "a"), AllowAnonymous] () => "a");
        app.Run();
        """;

    [Fact]
    public async Task DAUTH003_offers_both_removals_and_removing_AllowAnonymous_from_a_shared_list_keeps_the_key()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", Contradictions)], new ContradictionAnalyzer(), new RemoveContradictionCodeFixProvider(),
            RemoveContradictionCodeFixProvider.RemoveAnonymousEquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal(["Remove [RequiresKey] (the endpoint becomes public)", "Remove [AllowAnonymous] (the endpoint requires the key)"], result.Titles);
        Assert.Contains("""app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = "a")] () => "a");""", result.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH003_remove_RequiresKey_on_a_class_removes_its_line()
    {
        var result = await CodeFixRunner.ApplyAsync(
            [("Program.cs", Verify.EmptyProgram), ("Controllers.cs", """
                [RequiresKey(KeyType.Read, Scope = "i")]
                [AllowAnonymous]
                public sealed class IController : ControllerBase { public IActionResult Get() => Ok(); }
                """)],
            new ContradictionAnalyzer(), new RemoveContradictionCodeFixProvider(), RemoveContradictionCodeFixProvider.RemoveKeyEquivalenceKey);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Equal("""
            [AllowAnonymous]
            public sealed class IController : ControllerBase { public IActionResult Get() => Ok(); }
            """, result.Documents["Controllers.cs"]);
    }

    [Fact]
    public async Task DAUTH003_removes_fluent_calls_from_chains_and_whole_statements_on_locals()
    {
        var source = """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/b", [AllowAnonymous] () => "b").RequireKey(KeyType.Read, "b");
            var d = app.MapGroup("/v1/d");
            d.RequireKey(KeyType.Read, "d");
            d.AllowAnonymous();
            d.MapGet("/", () => "d");
            app.Run();
            """;
        var removeKey = await CodeFixRunner.ApplyAsync([("Program.cs", source)], new ContradictionAnalyzer(), new RemoveContradictionCodeFixProvider(),
            RemoveContradictionCodeFixProvider.RemoveKeyEquivalenceKey, diagnosticIndex: 0);
        Assert.Single(removeKey.DiagnosticsAfter);
        Assert.Contains("""app.MapGet("/v1/b", [AllowAnonymous] () => "b");""", removeKey.Documents["Program.cs"]);

        var removeAnonymous = await CodeFixRunner.ApplyAsync([("Program.cs", source)], new ContradictionAnalyzer(), new RemoveContradictionCodeFixProvider(),
            RemoveContradictionCodeFixProvider.RemoveAnonymousEquivalenceKey, diagnosticIndex: 1);
        Assert.Single(removeAnonymous.DiagnosticsAfter);
        Assert.Equal("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/b", [AllowAnonymous] () => "b").RequireKey(KeyType.Read, "b");
            var d = app.MapGroup("/v1/d");
            d.RequireKey(KeyType.Read, "d");
            d.MapGet("/", () => "d");
            app.Run();
            """, removeAnonymous.Documents["Program.cs"]);
    }

    [Fact]
    public async Task DAUTH004_fix_removes_the_scope_from_attributes_calls_and_initializers()
    {
        var source = """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [RequiresKey(KeyType.Admin, Scope = "keys")] () => "a");
            app.MapGet("/v1/b", () => "b").RequireKey(KeyType.Admin, "keys");
            app.MapGet("/v1/c", () => "c").WithMetadata(new RequiresKeyAttribute(KeyType.Admin) { Scope = "keys" });
            app.Run();
            """;
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", source)], new DeclarationAnalyzer(), new RemoveAdminScopeCodeFixProvider(),
            RemoveAdminScopeCodeFixProvider.EquivalenceKey, diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        var program = result.Documents["Program.cs"];
        Assert.Contains("""[RequiresKey(KeyType.Admin)]""", program);
        Assert.Contains(""".RequireKey(KeyType.Admin);""", program);
        Assert.Contains("""new RequiresKeyAttribute(KeyType.Admin) { }""", program);
    }

    [Fact]
    public async Task DAUTH006_fix_writes_the_key_type_the_method_suggests()
    {
        var result = await CodeFixRunner.ApplyAsync([("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/export", [RequiresKey(KeyType.Write, Scope = "events")] () => "a");
            app.MapDelete("/v1/events/{id}", (int id) => id).RequireKey(Declarative.Auth.KeyType.Read, "events");
            app.Run();
            """)], new DeclarationAnalyzer(), new ChangeKeyTypeCodeFixProvider(), ChangeKeyTypeCodeFixProvider.EquivalenceKey, diagnosticIndex: null);

        Assert.Empty(result.DiagnosticsAfter);
        Assert.Contains("""[RequiresKey(KeyType.Read, Scope = "events")]""", result.Documents["Program.cs"]);
        Assert.Contains(""".RequireKey(Declarative.Auth.KeyType.Delete, "events");""", result.Documents["Program.cs"]);
    }
}
