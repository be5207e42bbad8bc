namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH002, DAUTH004, DAUTH005, DAUTH009: what a key declaration's scope says, wherever it is written.</summary>
public class ScopeTests
{
    private static Task<IReadOnlyList<Declarative.Auth.TestKit.ReportedDiagnostic>> RunAsync(string markup, params string[] messages)
        => Verify.ProgramWithAsync(new DeclarationAnalyzer(), markup, messages);

    private const string Catalog = """
        [assembly: PermissionScope("events", "Events sent by sources")]
        [assembly: PermissionScope("monitors", "Uptime monitors")]
        [assembly: PermissionScope("status.pages", "Status pages")]
        """;

    private static string Unknown(string scope, string advice)
        => $"Scope '{scope}' is not in the app's permission catalog ('events', 'monitors', 'status.pages'); {advice}";

    [Fact]
    public Task DAUTH002_fires_on_scopes_missing_from_the_catalog_with_a_suggestion_when_one_is_close()
        => RunAsync(Catalog + """

            var app = WebApplication.Create(args);
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = {|DAUTH002:"evnets"|})] () => "a");
            app.MapGet("/v1/billing", () => "b").RequireKey(KeyType.Read, {|DAUTH002:"billing"|});
            app.MapGet("/v1/pages", () => "c").WithMetadata(new RequiresKeyAttribute(KeyType.Read) { Scope = {|DAUTH002:"status.page"|} });
            app.MapGroup("/v1/monitors").RequireKey(KeyType.Read, scope: {|DAUTH002:"monitor"|});
            app.Run();

            [RequiresKey(KeyType.Delete, Scope = {|DAUTH002:"event"|})]
            public sealed class EventsController : ControllerBase { public IActionResult Delete() => Ok(); }
            """,
            Unknown("evnets", "did you mean 'events'?"),
            Unknown("billing", "use one of them, or declare it with [assembly: PermissionScope(\"billing\", \"...\")]"),
            Unknown("status.page", "did you mean 'status.pages'?"),
            Unknown("monitor", "did you mean 'monitors'?"),
            Unknown("event", "did you mean 'events'?"));

    [Fact]
    public Task DAUTH002_is_silent_on_declared_scopes_admin_anonymous_and_non_constant_scopes()
        => RunAsync(Catalog + """

            var app = WebApplication.Create(args);
            var scope = args.Length > 0 ? args[0] : "events";
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "a");
            app.MapGet("/v1/monitors", () => "b").RequireKey(KeyType.Read, "monitors");
            app.MapGet("/v1/pages", () => "c").RequireKey(KeyType.Read, Scopes.Pages);
            app.MapGet("/v1/dynamic", () => "d").RequireKey(KeyType.Read, scope);
            app.MapGet("/v1/keys", [RequiresKey(KeyType.Admin)] () => "e");
            app.MapGet("/health", [AllowAnonymous] () => "ok");
            app.MapGet("/me", [RequiresAnyKey] () => "me");
            app.Run();

            static class Scopes { public const string Pages = "status.pages"; }
            """);

    [Fact]
    public Task DAUTH002_is_silent_when_the_app_declares_no_catalog()
        => RunAsync("""
            var app = WebApplication.Create(args);
            app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "anything")] () => "a");
            app.MapGet("/v1/monitors", () => "b").RequireKey(KeyType.Read, "whatever");
            app.Run();
            """);

    [Fact]
    public Task DAUTH004_fires_when_KeyType_Admin_is_given_a_scope()
        => RunAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/keys", [RequiresKey(KeyType.Admin, Scope = {|DAUTH004:"keys"|})] () => "a");
            app.MapDelete("/v1/keys/{id}", (string id) => id).RequireKey(KeyType.Admin, {|DAUTH004:"keys"|});
            app.MapGet("/v1/ok", [RequiresKey(KeyType.Admin)] () => "b");
            app.MapGet("/v1/ok2", () => "c").RequireKey(KeyType.Admin);
            app.MapGet("/v1/ok3", () => "d").RequireKey(KeyType.Admin, null);
            app.Run();
            """,
            "KeyType.Admin takes no scope (got 'keys'); remove the scope, or use KeyType.Read, Write or Delete to require a permission on 'keys'",
            "KeyType.Admin takes no scope (got 'keys'); remove the scope, or use KeyType.Read, Write or Delete to require a permission on 'keys'");

    [Fact]
    public Task DAUTH005_fires_on_empty_and_malformed_scopes_in_declarations_and_in_the_catalog()
        => RunAsync("""
            [assembly: PermissionScope({|DAUTH005:"Status Pages"|}, "Pages")]
            [assembly: PermissionScope("events", "Events")]

            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = {|DAUTH005:""|})] () => "a");
            app.MapGet("/v1/b", () => "b").RequireKey(KeyType.Read, {|DAUTH005:"1events"|});
            app.MapGet("/v1/c", [RequiresKey(KeyType.Read, Scope = {|DAUTH005:"Events"|})] () => "c");
            app.MapGet("/v1/d", [RequiresKey(KeyType.Read, Scope = "events")] () => "d");
            app.Run();
            """,
            "Scope 'Status Pages' is not valid; a scope is 1 to 64 lowercase letters, digits, '-', '_' or '.', starting with a letter, such as \"status-pages\"",
            "Scope '' is not valid; a scope is 1 to 64 lowercase letters, digits, '-', '_' or '.', starting with a letter, such as \"events\"",
            "Scope '1events' is not valid; a scope is 1 to 64 lowercase letters, digits, '-', '_' or '.', starting with a letter, such as \"events\"",
            "Scope 'Events' is not valid; a scope is 1 to 64 lowercase letters, digits, '-', '_' or '.', starting with a letter, such as \"events\"");

    [Fact]
    public Task DAUTH009_fires_when_Read_Write_or_Delete_has_no_scope()
        => RunAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [{|DAUTH009:RequiresKey(KeyType.Read)|}] () => "a");
            app.MapPost("/v1/b", () => "b").{|DAUTH009:RequireKey|}(KeyType.Write);
            app.MapDelete("/v1/c", () => "c").WithMetadata({|DAUTH009:new RequiresKeyAttribute(KeyType.Delete)|});
            app.MapGet("/v1/d", [{|DAUTH009:RequiresKey(KeyType.Read, Scope = null)|}] () => "d");
            app.MapGet("/v1/ok", [RequiresKey(KeyType.Read, Scope = "ok")] () => "e");
            app.MapGet("/v1/admin", [RequiresKey(KeyType.Admin)] () => "f");
            app.Run();
            """,
            "KeyType.Read needs a scope; write [RequiresKey(KeyType.Read, Scope = \"resource\")]",
            "KeyType.Write needs a scope; write RequireKey(KeyType.Write, \"resource\")",
            "KeyType.Delete needs a scope; write [RequiresKey(KeyType.Delete, Scope = \"resource\")]",
            "KeyType.Read needs a scope; write [RequiresKey(KeyType.Read, Scope = \"resource\")]");
}
