namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// DAUTH001 for endpoints mapped in a helper whose callers decide the declaration (issue 14): wrappers returning the
/// endpoint builder, helpers mapping on the group they are given, helpers taking the handler. Silent when every call
/// site declares; one diagnostic at each call site that does not, with that caller's route.
/// </summary>
public class CallSiteReachTests
{
    private static string Msg(string endpoint, string keyType, string scope)
        => $"Endpoint '{endpoint}' has no auth declaration; add [RequiresKey(KeyType.{keyType}, Scope = \"{scope}\")], or [AllowAnonymous] if it is public";

    private const string Wrappers = """
        static class Wrappers
        {
            public static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder b, string p, Delegate h)
                => b.MapPost(p, h).WithName("named" + p);
        }
        """;

    [Fact]
    public Task A_wrapper_is_silent_when_every_caller_declares_the_returned_builder_its_group_or_its_handler()
        => Verify.NoneAsync("""
            var app = WebApplication.Create(args);
            app.MapPostNamed("/w/authorize", () => "ok").RequireAuthorization();
            app.MapPostNamed("/w/key", () => "ok").RequireKey(KeyType.Write, "wrapped");
            app.MapPostNamed("/w/anon", () => "ok").AllowAnonymous();
            app.MapPostNamed("/w/handler-attr", [RequiresKey(KeyType.Write, Scope = "handler")] () => "ok");
            app.MapGroup("/g").RequireKey(KeyType.Write, "group").MapPostNamed("/w/group", () => "ok");
            app.Run();

            """ + Wrappers);

    [Fact]
    public Task A_wrapper_with_one_undeclared_caller_gets_one_DAUTH001_at_that_call_with_its_route()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapPostNamed("/w/key", () => "ok").RequireKey(KeyType.Write, "wrapped");
                app.MapGroup("/v1").{|DAUTH001:MapPostNamed|}("/w/undeclared", () => "ok");
                app.Run();
                """),
            ("Wrappers.cs", Wrappers),
        ],
        Msg("POST /v1/w/undeclared", "Write", "w"));

    [Fact]
    public Task A_wrapper_with_no_caller_in_the_compilation_is_reported_inside_as_before()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.Run();
                """),
            ("Wrappers.cs", """
                public static class Wrappers
                {
                    public static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder b, string p, Delegate h)
                        => b.{|DAUTH001:MapPost|}(p, h).WithName("named" + p);
                }
                """),
        ],
        Msg("POST /{?}", "Write", "todo"));

    [Fact]
    public Task An_extension_on_a_declared_or_anonymous_group_is_silent_and_an_undeclared_caller_is_reported()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGroup("/audited").RequireKey(KeyType.Read, "audit").MapAudit();
                app.MapGroup("/open-audit").AllowAnonymous().MapAudit();
                app.MapGroup("/bare-audit").{|DAUTH001:MapAudit|}();
                app.Run();
                """),
            ("Audit.cs", """
                static class Audit
                {
                    public static void MapAudit(this RouteGroupBuilder g) => g.MapGet("/audit/log", () => "ok");
                }
                """),
        ],
        Msg("GET /bare-audit/audit/log", "Read", "bare-audit"));

    [Fact]
    public Task A_helper_given_the_app_itself_is_reported_inside_and_a_caller_passing_a_bare_group_at_its_call()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapThings();
                app.MapGroup("/v2").{|DAUTH001:MapThings|}();
                app.MapGroup("/v3").AllowAnonymous().MapThings();
                app.Run();
                """),
            ("Things.cs", """
                static class Things
                {
                    public static void MapThings(this IEndpointRouteBuilder e) => e.{|DAUTH001:MapGet|}("/things", () => "ok");
                }
                """),
        ],
        Msg("GET /v2/things", "Read", "things"),
        Msg("GET /things", "Read", "things"));

    // DAUTH001 reads the table's rows: a local function mapping on its helper's group is declared by the helper's callers
    // (it fired inside the local function, where no caller can fix it, while the table said declared).
    [Fact]
    public Task A_local_function_mapping_on_its_helpers_group_is_judged_at_the_helpers_calls()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGroup("/inner").RequireKey(KeyType.Read, "inner").MapInner();
                app.MapGroup("/bare-inner").{|DAUTH001:MapInner|}();
                app.Run();
                """),
            ("Inner.cs", """
                static class InnerEndpoints
                {
                    public static void MapInner(this RouteGroupBuilder group)
                    {
                        Inner();
                        void Inner() => group.MapGet("/i", () => "ok");
                    }
                }
                """),
        ],
        Msg("GET /bare-inner/i", "Read", "bare-inner"));

    // The endpoint's builder returned through a local is what the caller declares, as the table reads it (DAUTH001 fired
    // inside the helper).
    [Fact]
    public Task A_helper_returning_its_endpoint_through_a_local_is_declared_by_what_the_caller_chains()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapFixedLocal().RequireAuthorization();
                app.Run();
                """),
            ("Fixed.cs", """
                static class Fixed
                {
                    public static RouteHandlerBuilder MapFixedLocal(this IEndpointRouteBuilder b)
                    {
                        var endpoint = b.MapGet("/fixed-local", () => "ok");
                        return endpoint.WithName("fixed-local");
                    }
                }
                """),
        ]);
}
