namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// DAUTH001 wherever an endpoint can be born beyond one method: builders returned by helpers, builders passed to
/// extension methods (followed to every call site), helpers that declare the builder they are given,
/// conventional routes, and the framework's other endpoint producers (MapFallbackTo*, MapHealthChecks, MapHub).
/// </summary>
public class EndpointReachTests
{
    private static string Msg(string endpoint, string keyType, string scope)
        => $"Endpoint '{endpoint}' has no auth declaration; add [RequiresKey(KeyType.{keyType}, Scope = \"{scope}\")], or [AllowAnonymous] if it is public";

    [Fact]
    public Task A_builder_returned_by_a_helper_in_another_file_counts_when_every_returned_builder_is_declared()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.Api().MapGet("/events", () => "a");
                var api = app.Api();
                api.MapPost("/events", () => "b");
                app.Open().{|DAUTH001:MapGet|}("/open", () => "c");
                app.Either(args.Length > 0).{|DAUTH001:MapGet|}("/either", () => "d");
                app.Local().MapGet("/local", () => "e");
                app.Run();
                """),
            ("Groups.cs", """
                static class Groups
                {
                    public static RouteGroupBuilder Api(this WebApplication app) => app.MapGroup("/v1").RequireKey(KeyType.Read, "events");
                    public static RouteGroupBuilder Open(this WebApplication app) => app.MapGroup("/v1");
                    public static RouteGroupBuilder Either(this WebApplication app, bool secure)
                    {
                        if (secure)
                            return app.MapGroup("/v1").RequireAuthorization();
                        return app.MapGroup("/v1");
                    }
                    public static RouteGroupBuilder Local(this WebApplication app)
                    {
                        var group = app.MapGroup("/v1");
                        group.AllowAnonymous();
                        return group;
                    }
                }
                """),
        ],
        Msg("GET /v1/open", "Read", "open"), // the route the table shows: the helper's group prefix included
        Msg("GET /either", "Read", "either"));

    [Fact]
    public Task A_helper_returning_the_group_it_was_given_is_declared_by_what_its_caller_chains_on_the_result()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGroup("/settings/keys").MapSettings().RequireAuthorization("signed-in");
                app.MapGroup("/open/keys").{|DAUTH001:MapSettings|}();
                app.Run();
                """),
            ("Settings.cs", """
                static class Settings
                {
                    public static RouteGroupBuilder MapSettings(this RouteGroupBuilder keys)
                    {
                        keys.MapGet("/", () => "list");
                        return keys;
                    }
                }
                """),
        ],
        Msg("GET /open/keys/", "Read", "open"));

    [Fact]
    public Task Endpoints_on_a_parameter_are_declared_when_every_call_site_passes_a_declared_builder()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapGroup("/v1/keys").RequireKey(KeyType.Admin).MapKeys();
                app.MapGroup("/v2/keys").RequireAuthorization().MapKeys();
                var incidents = app.MapGroup("/v1/incidents");
                incidents.RequireKey(KeyType.Read, "incidents");
                incidents.MapIncidents();
                app.MapMixed();
                app.MapGroup("/v1/mixed").AllowAnonymous().MapMixed();
                MapLocal(app.MapGroup("/v1/local").AllowAnonymous());
                app.Run();

                static void MapLocal(IEndpointRouteBuilder e) => e.MapGet("/x", () => "x");
                """),
            ("Endpoints.cs", """
                static class Endpoints
                {
                    public static void MapKeys(this IEndpointRouteBuilder endpoints)
                    {
                        endpoints.MapGet("/", () => "a");
                        endpoints.MapDelete("/{id}", (string id) => id);
                    }

                    // Passed on to another extension method: followed transitively.
                    public static void MapIncidents(this RouteGroupBuilder group) => group.MapIncidentRoutes();
                    private static void MapIncidentRoutes(this IEndpointRouteBuilder e) => e.MapGet("/", () => "b");

                    // One call site passes the app itself, which only the helper can declare: reported here.
                    public static void MapMixed(this IEndpointRouteBuilder e) => e.{|DAUTH001:MapGet|}("/mixed", () => "c");

                    // Never called in this compilation (a library's public API): reported.
                    public static void MapUnused(this IEndpointRouteBuilder e) => e.{|DAUTH001:MapGet|}("/unused", () => "d");

                    // Used as a method group: the builder it gets is unknown, reported.
                    public static void MapViaDelegate(this IEndpointRouteBuilder e) => e.{|DAUTH001:MapGet|}("/delegate", () => "e");
                    public static Action<IEndpointRouteBuilder> Mapper => MapViaDelegate;
                }
                """),
        ]);

    [Fact]
    public Task A_group_returned_by_a_helper_is_declared_when_every_caller_declares_the_result()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapOrders().RequireAuthorization();
                var hooks = app.MapHooks();
                hooks.RequireKey(KeyType.Read, "hooks");
                app.MapGroup("/v2").MapHooks().AllowAnonymous();
                app.{|DAUTH001:MapPages|}().WithTags("pages");
                app.Run();
                """),
            ("Apis.cs", """
                static class Apis
                {
                    public static RouteGroupBuilder MapOrders(this IEndpointRouteBuilder app)
                    {
                        var api = app.MapGroup("api/orders");
                        api.MapPut("/cancel", (int id) => id);
                        api.MapGet("/", () => "orders");
                        return api;
                    }

                    public static RouteGroupBuilder MapHooks(this IEndpointRouteBuilder app)
                    {
                        var api = app.MapGroup("/api/webhooks");
                        api.MapGet("/", () => "hooks");
                        return api;
                    }

                    // The only caller tags the result but declares nothing: reported at that call.
                    public static RouteGroupBuilder MapPages(this IEndpointRouteBuilder app)
                    {
                        var api = app.MapGroup("/api/pages");
                        api.MapGet("/", () => "pages");
                        return api;
                    }
                }
                """),
        ]);

    [Fact]
    public Task Chained_calls_of_one_pass_through_helper_do_not_declare_each_other()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            var versioned = app.Versioned("Catalog");
            var api = versioned.MapGroup("api/catalog").HasVersion(1, 0).HasVersion(2, 0);
            api.{|DAUTH001:MapGet|}("/items", () => "a");
            app.Run();

            static class Versioning
            {
                public static IEndpointRouteBuilder Versioned(this IEndpointRouteBuilder app, string name) => throw null!;
                public static RouteGroupBuilder HasVersion(this RouteGroupBuilder builder, int major, int minor) => builder;
            }
            """);

    [Fact]
    public Task A_source_helper_that_declares_the_builder_it_is_given_declares_it()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGroup("/v1").Secure().MapGet("/a", () => "a");
            var g = app.MapGroup("/v2");
            g.Secure();
            g.MapGet("/b", () => "b");
            app.MapGroup("/v3").Noop().{|DAUTH001:MapGet|}("/c", () => "c");
            app.Run();

            static class Helpers
            {
                public static RouteGroupBuilder Secure(this RouteGroupBuilder group) => group.RequireKey(KeyType.Read, "things");
                public static RouteGroupBuilder Noop(this RouteGroupBuilder group) => group;
            }
            """);

    // flowsynx/flowsynx's RequirePermissions (RealWorld/FlowSynx): a generic helper adding [Authorize(Policy)] metadata
    // through a convention, as RequireAuthorization itself does. Its 32 endpoints were false positives.
    [Fact]
    public Task A_convention_adding_auth_metadata_declares_the_builder_directly_or_in_a_helper()
        => Verify.ProgramAsync("""
            var app = WebApplication.Create(args);
            app.MapGet("/a", () => "a").WithName("A").RequirePolicies("admin", "audits");
            app.MapGet("/b", () => "b").RequirePolicy("admin");
            app.MapGroup("/c").RequirePolicies("admin").MapGet("/", () => "c");
            app.MapGet("/d", () => "d").Public();
            var e = app.MapGet("/e", () => "e");
            e.Add(endpoint => endpoint.Metadata.Add(new AuthorizeAttribute()));
            app.{|DAUTH001:MapGet|}("/f", () => "f").Describe("not auth metadata");
            app.Run();

            static class Policies
            {
                public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
                    => builder.RequirePolicies(policy);

                public static TBuilder RequirePolicies<TBuilder>(this TBuilder builder, params string[] policies) where TBuilder : IEndpointConventionBuilder
                {
                    if (policies.Length == 0)
                        return builder;
                    builder.Add(endpoint =>
                    {
                        foreach (var policy in policies)
                            endpoint.Metadata.Add(new AuthorizeAttribute { Policy = policy });
                    });
                    return builder;
                }

                public static TBuilder Public<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
                {
                    builder.Add(endpoint => endpoint.Metadata.Add(new AllowAnonymousAttribute()));
                    return builder;
                }

                public static TBuilder Describe<TBuilder>(this TBuilder builder, string text) where TBuilder : IEndpointConventionBuilder
                {
                    builder.Add(endpoint => endpoint.Metadata.Add(new EndpointDescriptionAttribute(text)));
                    return builder;
                }
            }
            """);

    [Fact]
    public Task Declared_conventional_routes_cover_actions_without_attribute_routes_only()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}").RequireAuthorization();
                app.MapDefaultControllerRoute().RequireKey(KeyType.Read, "pages");
                app.Run();
                """),
            ("Controllers.cs", """
                public sealed class HomeController : Controller
                {
                    public IActionResult Index() => View();
                    [HttpPost] public IActionResult Save() => View();
                    [HttpGet("/api/home/{id}")] public IActionResult {|DAUTH001:Get|}(int id) => Ok(id);
                }
                """),
        ]);

    [Fact]
    public Task An_undeclared_conventional_route_covers_nothing()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}").RequireAuthorization();
                app.MapControllerRoute("admin", "admin/{controller}/{action}");
                app.Run();
                """),
            ("Controllers.cs", """
                public sealed class HomeController : Controller
                {
                    public IActionResult {|DAUTH001:Index|}() => View();
                }
                """),
        ]);

    [Fact]
    public Task MapFallbackTo_variants_health_checks_and_hubs_are_endpoints()
        => Verify.FilesAsync([
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.{|DAUTH001:MapFallbackToFile|}("index.html");
                app.MapFallbackToFile("/docs/{*path}", "docs.html").AllowAnonymous();
                app.{|DAUTH001:MapFallbackToPage|}("/Index");
                app.{|DAUTH001:MapFallbackToController|}("Index", "Spa");
                app.MapFallbackToController("Get", "Open");
                app.MapFallbackToController("/home/{*path}", "Index", "Home");
                app.{|DAUTH001:MapHealthChecks|}("/health");
                app.MapHealthChecks("/alive").AllowAnonymous();
                app.MapGroup("/hubs").RequireAuthorization().MapHub<ChatHub>("/chat");
                app.{|DAUTH001:MapHub|}<ChatHub>("/open-chat");
                app.Run();

                public sealed class ChatHub : Microsoft.AspNetCore.SignalR.Hub { }
                """),
            ("Controllers.cs", """
                [AllowAnonymous]
                public sealed class OpenController : Controller { public IActionResult Get() => View(); }
                public sealed class HomeController : Controller { [AllowAnonymous] public IActionResult Index() => View(); }
                """),
        ],
        Msg("GET,HEAD /{*path:nonfile}", "Read", "todo"), // MapFallbackToFile's endpoint carries HttpMethodMetadata(GET, HEAD)
        Msg("ANY /{*path:nonfile}", "Read", "todo"),
        Msg("ANY /{*path:nonfile}", "Read", "todo"),
        Msg("ANY /health", "Read", "health"),
        Msg("ANY /open-chat", "Read", "open-chat"));
}
