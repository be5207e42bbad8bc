namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH001 on minimal-API endpoints: where it fires, and every declared shape where it must not.</summary>
public class MinimalApiTests
{
    private static string Msg(string endpoint, string keyType, string scope)
        => $"Endpoint '{endpoint}' has no auth declaration; add [RequiresKey(KeyType.{keyType}, Scope = \"{scope}\")], or [AllowAnonymous] if it is public";

    [Fact]
    public Task Undeclared_lambda_is_reported_on_the_Map_name_with_route_key_type_and_scope()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH001:MapGet|}("/v1/events", () => "events");
            app.Run();
            """,
            Msg("GET /v1/events", "Read", "events"));

    [Fact]
    public Task Every_Map_method_is_an_endpoint_with_its_key_type()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH001:MapGet|}("/v1/monitors", () => "a");
            app.{|DAUTH001:MapPost|}("/v1/monitors", () => "b");
            app.{|DAUTH001:MapPut|}("/v1/monitors/{id}", (int id) => "c");
            app.{|DAUTH001:MapPatch|}("/v1/monitors/{id}", (int id) => "d");
            app.{|DAUTH001:MapDelete|}("/v1/monitors/{id}", (int id) => "e");
            app.{|DAUTH001:MapMethods|}("/v2/incidents", new[] { "get", "HEAD" }, () => "f");
            app.{|DAUTH001:Map|}("/api/Status_Page!", () => "g");
            app.{|DAUTH001:MapFallback|}(() => "h");
            app.{|DAUTH001:MapGet|}("/", () => "i");
            app.Run();
            """,
            Msg("GET /v1/monitors", "Read", "monitors"),
            Msg("POST /v1/monitors", "Write", "monitors"),
            Msg("PUT /v1/monitors/{id}", "Write", "monitors"),
            Msg("PATCH /v1/monitors/{id}", "Write", "monitors"),
            Msg("DELETE /v1/monitors/{id}", "Delete", "monitors"),
            Msg("GET,HEAD /v2/incidents", "Read", "incidents"),
            Msg("ANY /api/Status_Page!", "Read", "status_page"),
            Msg("ANY /{*path:nonfile}", "Read", "todo"),
            Msg("GET /", "Read", "todo"));

    [Fact]
    public Task Map_overloads_with_RequestDelegate_and_a_pattern_fallback_are_endpoints_too()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.{|DAUTH001:MapGet|}("/v1/raw", (HttpContext context) => context.Response.WriteAsync("x"));
            app.{|DAUTH001:MapFallback|}("/v1/{*rest}", () => "h");
            app.Run();
            """);

    [Fact]
    public Task Declared_lambdas_are_not_reported()
        => Verify.NoneAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [RequiresKey(KeyType.Read, Scope = "a")] () => "a");
            app.MapPost("/v1/b", [AllowAnonymous] (int x) => x);
            app.MapPut("/v1/c", [Authorize] () => "c");
            app.MapDelete("/v1/d", [Authorize(Roles = "admin")] async () => await Task.FromResult("d"));
            app.MapPatch("/v1/e", [AdminOnly] () => "e");
            app.MapMethods("/v1/f", ["GET"], [RequiresKey(KeyType.Admin)] () => "f");
            app.Map("/v1/g", [AllowAnonymous] () => "g");
            app.MapFallback([AllowAnonymous] () => "h");
            app.Run();

            sealed class AdminOnlyAttribute : AuthorizeAttribute
            {
                public AdminOnlyAttribute() : base("admin") { }
            }
            """);

    [Fact]
    public Task Method_groups_and_local_functions_count_their_own_attributes()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/declared-static", Handlers.Declared);
            app.{|DAUTH001:MapGet|}("/v1/undeclared-static", Handlers.Undeclared);
            app.MapGet("/v1/declared-local", DeclaredLocal);
            app.{|DAUTH001:MapGet|}("/v1/undeclared-local", UndeclaredLocal);
            var handlers = new InstanceHandlers();
            app.MapPost("/v1/declared-instance", handlers.Declared);
            app.{|DAUTH001:MapPost|}("/v1/undeclared-instance", handlers.Undeclared);
            app.Run();

            [AllowAnonymous]
            static string DeclaredLocal() => "a";
            static string UndeclaredLocal() => "b";

            static class Handlers
            {
                [RequiresKey(KeyType.Read, Scope = "things")]
                public static string Declared() => "c";
                public static string Undeclared() => "d";
            }

            sealed class InstanceHandlers
            {
                [Authorize]
                public string Declared() => "e";
                public string Undeclared() => "f";
            }
            """);

    [Fact]
    public Task A_handler_held_in_a_local_is_read_from_its_initializer()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            var open = [AllowAnonymous] () => "open";
            var closed = () => "closed";
            Func<string> group = Group;
            app.MapGet("/v1/open", open);
            app.{|DAUTH001:MapGet|}("/v1/closed", closed);
            app.MapGet("/v1/group", group);
            app.Run();

            [RequiresKey(KeyType.Read, Scope = "group")]
            static string Group() => "g";
            """);

    [Fact]
    public Task Fluent_declarations_on_the_endpoint_chain_count()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", () => "a").RequireAuthorization();
            app.MapGet("/v1/b", () => "b").RequireAuthorization("policy");
            app.MapGet("/v1/c", () => "c").AllowAnonymous();
            app.MapGet("/v1/d", () => "d").RequireKey(KeyType.Read, "d");
            app.MapGet("/v1/e", () => "e").WithName("e").WithTags("x").RequireKey(KeyType.Admin);
            app.MapGet("/v1/f", () => "f").WithMetadata(new AllowAnonymousAttribute());
            app.MapGet("/v1/g", () => "g").WithMetadata("note", new AuthorizeAttribute());
            app.MapGet("/v1/h", () => "h").WithMetadata(new RequiresKeyAttribute(KeyType.Read) { Scope = "h" });
            app.{|DAUTH001:MapGet|}("/v1/i", () => "i").WithName("i").WithTags("x");
            app.{|DAUTH001:MapGet|}("/v1/j", () => "j").WithMetadata("just a note");
            app.Run();
            """);

    [Fact]
    public Task An_endpoint_held_in_a_local_counts_fluent_calls_made_on_the_local()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            var declared = app.MapGet("/v1/a", () => "a");
            declared.WithTags("a");
            declared.AllowAnonymous();
            var undeclared = app.{|DAUTH001:MapGet|}("/v1/b", () => "b");
            undeclared.WithTags("b");
            RouteHandlerBuilder assigned;
            assigned = app.MapGet("/v1/c", () => "c");
            assigned.RequireAuthorization();
            app.Run();
            """);

    [Fact]
    public Task Inline_route_groups_declare_their_endpoints_at_any_depth()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGroup("/v1").RequireAuthorization().MapGet("/a", () => "a");
            app.MapGroup("/v1").AllowAnonymous().MapGroup("/x").WithTags("x").MapGet("/b", () => "b");
            app.MapGroup("/v1").RequireKey(KeyType.Read, "c").MapGroup("/y").MapGroup("/z").MapPost("/c", () => "c");
            app.MapGroup("/v1").WithMetadata(new AuthorizeAttribute()).MapGet("/d", () => "d");
            app.MapGroup("/v1").MapGroup("/w").{|DAUTH001:MapGet|}("/events", () => "e");
            app.Run();
            """,
            Msg("GET /v1/w/events", "Read", "w"));

    [Fact]
    public Task Route_groups_held_in_locals_are_followed_through_nesting_and_later_statements()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);

            var api = app.MapGroup("/v1").RequireAuthorization();
            var things = api.MapGroup("/things");
            things.MapGet("/", () => "a");
            things.MapGroup("/deep").MapDelete("/{id}", (int id) => id);

            var later = app.MapGroup("/v2");
            later.MapGet("/events", () => "b");
            later.RequireKey(KeyType.Read, "events");

            var before = app.MapGroup("/v3");
            before.WithTags("v3").AllowAnonymous();
            before.MapGet("/events", () => "c");

            var open = app.MapGroup("/v4");
            var child = open.MapGroup("/child").RequireAuthorization();
            child.MapGet("/x", () => "d");
            open.{|DAUTH001:MapGet|}("/events", () => "e");

            var sibling = app.MapGroup("/v5").WithTags("v5");
            sibling.{|DAUTH001:MapPost|}("/events", () => "f");
            app.Run();
            """,
            Msg("GET /v4/events", "Read", "events"),
            Msg("POST /v5/events", "Write", "events"));

    [Fact]
    public Task Endpoints_in_an_extension_method_are_undeclared_unless_the_method_or_every_call_site_declares_them()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGroup("/v1").RequireAuthorization().MapThings();
            app.MapGroup("/v2").{|DAUTH001:MapThings|}();
            app.MapGroup("/v1/secured").MapSecured();
            app.Run();

            static class EndpointExtensions
            {
                public static void MapThings(this IEndpointRouteBuilder endpoints)
                {
                    endpoints.MapGet("/things", () => "a");
                    endpoints.MapPost("/things", [RequiresKey(KeyType.Write, Scope = "things")] () => "b");
                    endpoints.MapDelete("/things/{id}", (int id) => id).RequireKey(KeyType.Delete, "things");
                    var group = endpoints.MapGroup("/more").AllowAnonymous();
                    group.MapGet("/", () => "c");
                }

                public static RouteGroupBuilder MapSecured(this RouteGroupBuilder group)
                {
                    group.RequireAuthorization();
                    group.MapGet("/s", () => "d");
                    return group;
                }
            }
            """,
            Msg("GET /v2/things", "Read", "things"));

    [Fact]
    public Task Methods_that_only_share_a_Map_name_are_not_endpoints()
        => Verify.NoneAsync("""
            var app = WebApplication.Create(args);
            new Router().MapGet("/v1/x", () => "x");
            app.Map("/branch", branch => branch.Run(context => Task.CompletedTask));
            app.Run();

            sealed class Router
            {
                public void MapGet(string pattern, Delegate handler) { }
            }
            """);

    [Fact]
    public Task Generated_code_is_skipped()
        => Verify.FilesAsync(
            [
                ("Program.cs", """
                    var app = WebApplication.Create(args);
                    Generated.Map(app);
                    app.Run();
                    """),
                ("Endpoints.g.cs", """
                    // <auto-generated/>
                    static class Generated
                    {
                        public static void Map(WebApplication app) => app.MapGet("/v1/generated", () => "x");
                    }
                    """),
            ]);

    [Fact]
    public Task A_declaration_on_one_endpoint_or_a_child_group_does_not_leak_to_the_group_or_its_siblings()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            var api = app.MapGroup("/v1");
            api.MapGet("/declared", () => "a").RequireAuthorization();
            api.MapGroup("/child").AllowAnonymous();
            api.MapGroup("/child2").MapGet("/x", () => "b").RequireKey(KeyType.Read, "x");
            api.{|DAUTH001:MapGet|}("/undeclared", () => "c");
            app.MapGroup("/v2").RequireAuthorization();
            app.{|DAUTH001:MapGet|}("/v2/x", () => "d");
            app.Run();
            """,
            Msg("GET /v1/undeclared", "Read", "undeclared"),
            Msg("GET /v2/x", "Read", "x"));

    [Fact]
    public Task Endpoints_mapped_in_a_UseEndpoints_callback_follow_the_same_rules()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.UseRouting();
            app.UseEndpoints(endpoints =>
            {
                endpoints.MapGet("/v1/a", () => "a").RequireAuthorization();
                endpoints.MapGroup("/v1/b").AllowAnonymous().MapGet("/", () => "b");
                endpoints.{|DAUTH001:MapGet|}("/v1/c", () => "c");
            });
            app.Run();
            """);
}
