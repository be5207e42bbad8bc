using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// DAUTH001 sees every endpoint producer the table lists: hubs declared by their class's attributes, library
/// producers (with a fix that keeps the library's own [Authorize]), and MVC's names (Async, [ActionName]).
/// DAUTH010: OrAuthorization with no key requirement.
/// </summary>
public class ProducerTests
{
    [Fact]
    public Task MapHub_is_declared_by_the_hub_class_attributes() => Verify.NoneAsync("""
        var app = WebApplication.Create(args);
        app.MapHub<SecureHub>("/hubs/secure");
        app.Run();

        [Authorize]
        public class SecureHub : Microsoft.AspNetCore.SignalR.Hub { }
        """);

    [Fact]
    public Task MapHub_without_a_declaration_is_reported() => Verify.ProgramAsync("""
        var app = WebApplication.Create(args);
        app.{|DAUTH001:MapHub|}<OpenHub>("/hubs/open");
        app.Run();

        public class OpenHub : Microsoft.AspNetCore.SignalR.Hub { }
        """,
        "Endpoint 'ANY /hubs/open' has no auth declaration; add [RequiresKey(KeyType.Read, Scope = \"hubs\")], or [AllowAnonymous] if it is public");

    [Fact]
    public Task Library_producers_are_reported_with_the_where_undeclared_fix() => Verify.ProgramAsync("""
        var app = WebApplication.Create(args);
        app.{|DAUTH001:MapIdentityApi|}<User>();
        app.MapIdentityApi<User>().AllowAnonymousWhereUndeclared();
        app.MapStaticAssets().AllowAnonymous();
        app.Run();

        public class User { }
        """,
        "Endpoint 'MapIdentityApi()' has no auth declaration; call .RequireKey(KeyType.Read, \"todo\") or .AllowAnonymous() on what MapIdentityApi() returns, or .RequireKeyWhereUndeclared(...) / .AllowAnonymousWhereUndeclared() to keep the library's own [Authorize]");

    [Fact]
    public Task DAUTH001_names_actions_as_MVC_does() => Verify.ControllersAsync("""
        [Route("api/[controller]")]
        public class ReportsController : ControllerBase
        {
            [HttpGet("[action]")]
            public Task<string> {|DAUTH001:SummaryAsync|}() => Task.FromResult("");

            [HttpGet("[action]"), ActionName("latest")]
            public string {|DAUTH001:Newest|}() => "";
        }
        """,
        "Endpoint 'GET /api/Reports/Summary (ReportsController.SummaryAsync)' has no auth declaration; add [RequiresKey(KeyType.Read, Scope = \"reports\")], or [AllowAnonymous] if it is public",
        "Endpoint 'GET /api/Reports/latest (ReportsController.Newest)' has no auth declaration; add [RequiresKey(KeyType.Read, Scope = \"reports\")], or [AllowAnonymous] if it is public");

    [Fact]
    public Task OrAuthorization_without_a_key_requirement_is_DAUTH010() => Verify.WithAsync(
        [new OrAuthorizationAnalyzer()],
        [("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/a", () => 1).RequireKey(KeyType.Read, "a").OrAuthorization();
            app.MapGet("/b", () => 1).AllowAnonymous().{|DAUTH010:OrAuthorization|}();
            app.Run();
            """),
         ("Controllers.cs", """
            [Route("c"), RequiresKey(KeyType.Read, Scope = "c")]
            public class CController : ControllerBase
            {
                [HttpGet, OrAuthorization] public string Keyed() => "";
            }

            [Route("d")]
            public class DController : ControllerBase
            {
                [HttpGet, {|DAUTH010:OrAuthorization(Policy = "staff")|}] public string Get() => "";
            }
            """)],
        "'Get' declares OrAuthorization but no key requirement applies to it, so the endpoint stays undeclared; add [RequiresKey(...)] (or .RequireKey(...)) next to it, or use [Authorize] if a login alone is meant",
        "'OrAuthorization()' declares OrAuthorization but no key requirement applies to it, so the endpoint stays public; add [RequiresKey(...)] (or .RequireKey(...)) next to it, or use [Authorize] if a login alone is meant");
}
