namespace Declarative.Auth.Generator.Tests;

public class MinimalApiTests
{
    private const string Handlers = """
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();

        app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "ok");
        app.MapPost("/v1/events", EventHandlers.Post);
        app.MapDelete("/v1/events/{id}", DeleteEvent);
        app.MapPut("/v1/events/{id}", [AllowAnonymous] (int id) => id);
        app.MapPatch("/v1/events/{id}", [Authorize] (int id) => id);
        app.MapGet("/health", () => "up");
        app.Run();

        [RequiresKey(KeyType.Delete, Scope = "events")]
        static string DeleteEvent(int id) => "deleted";

        static class EventHandlers
        {
            [RequiresKey(KeyType.Write, Scope = "events")]
            [RequiresKey(KeyType.Admin)]
            public static string Post() => "ok";
        }
        """;

    [Fact]
    public void Lambdas_method_groups_and_local_functions_carry_their_own_attributes()
    {
        var app = GeneratorHarness.Run(Handlers);

        var get = app.Single("/v1/events", "GET");
        Assert.Equal(EndpointAccess.Key, get.Access);
        Assert.Equal(["read:events"], get.Permissions);
        Assert.Equal("lambda", get.Handler);
        Assert.Equal("Program.cs", get.SourceFile);
        Assert.Equal(GeneratorHarness.LineOf(Handlers, "app.MapGet(\"/v1/events\""), get.Line);

        var post = app.Single("/v1/events", "POST");
        Assert.Equal(EndpointAccess.Key, post.Access);
        Assert.Equal(["admin", "write:events"], post.Permissions);
        Assert.Equal("EventHandlers.Post", post.Handler);

        var delete = app.Single("/v1/events/{id}", "DELETE");
        Assert.Equal(["delete:events"], delete.Permissions);
        Assert.Equal("DeleteEvent", delete.Handler);

        Assert.Equal(EndpointAccess.Public, app.Single("/v1/events/{id}", "PUT").Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/v1/events/{id}", "PATCH").Access);

        var health = app.Single("/health", "GET");
        Assert.Equal(EndpointAccess.Undeclared, health.Access);
        Assert.Empty(health.Permissions);

        Assert.Equal(["admin", "delete:events", "read:events", "write:events"], app.Manifest.Permissions);
        Assert.Equal("TestApp", app.Manifest.AssemblyName);
    }

    [Fact]
    public void Endpoints_are_ordered_by_route_then_method()
    {
        var app = GeneratorHarness.Run(Handlers);
        var keys = app.Manifest.Endpoints.Select(e => e.Route + " " + string.Join(",", e.HttpMethods)).ToArray();
        Assert.Equal(
            ["/health GET", "/v1/events GET", "/v1/events POST", "/v1/events/{id} DELETE", "/v1/events/{id} PATCH", "/v1/events/{id} PUT"],
            keys);
    }

    private const string Groups = """
        var app = WebApplication.Create(args);
        var api = app.MapGroup("/v1").RequireKey(KeyType.Read, "api");
        var monitors = api.MapGroup("/monitors");
        monitors.RequireKey(KeyType.Write, "monitors");
        monitors.MapGet("/", () => "list");
        monitors.MapGet("/{id}", [RequiresKey(KeyType.Read, Scope = "monitors")] (int id) => id);
        monitors.MapDelete("/{id}", (int id) => id).WithName("delete-monitor").RequireKey(KeyType.Delete, "monitors");
        api.MapGet("/status", () => "ok");
        var pub = app.MapGroup("public").AllowAnonymous();
        pub.MapGet("ping", () => "pong");
        var secured = app.MapGroup("/secure").RequireAuthorization();
        secured.MapGet("/me", () => "me").AllowAnonymous();
        secured.MapGet("/profile", () => "p");
        app.MapGroup("/chain").RequireKey(KeyType.Admin).MapGroup("/inner").WithTags("x").MapGet("/x", () => 1);
        var open = app.MapGroup("/open");
        open.MapGet("/", () => "undeclared");
        var ep = app.MapGet("/later", () => "declared by a later statement");
        ep.RequireKey(KeyType.Read, "later");
        app.Run();
        """;

    [Fact]
    public void Nested_groups_combine_prefixes_and_outer_key_requirements_add_up()
    {
        var app = GeneratorHarness.Run(Groups);

        // Both groups' requirements, as the runtime enforces them; a handler's own attribute replaces them.
        var list = app.Single("/v1/monitors/", "GET");
        Assert.Equal(["read:api", "write:monitors"], list.Permissions);

        var get = app.Single("/v1/monitors/{id}", "GET");
        Assert.Equal(["read:monitors"], get.Permissions);

        var delete = app.Single("/v1/monitors/{id}", "DELETE");
        Assert.Equal(["delete:monitors", "read:api", "write:monitors"], delete.Permissions);

        Assert.Equal(["read:api"], app.Single("/v1/status", "GET").Permissions);
        Assert.Equal(EndpointAccess.Public, app.Single("/public/ping", "GET").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/secure/me", "GET").Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/secure/profile", "GET").Access);

        var chained = app.Single("/chain/inner/x", "GET");
        Assert.Equal(EndpointAccess.Key, chained.Access);
        Assert.Equal(["admin"], chained.Permissions);

        Assert.Equal(EndpointAccess.Undeclared, app.Single("/open/", "GET").Access);
        Assert.Equal(["read:later"], app.Single("/later", "GET").Permissions);
        Assert.Equal(GeneratorHarness.LineOf(Groups, "monitors.MapDelete"), delete.Line);
    }

    private const string Shapes = """
        var app = WebApplication.Create(args);
        app.MapMethods("/v1/items", new[] { "get", "HEAD" }, [RequiresKey(KeyType.Read, Scope = "items")] () => "x");
        app.MapMethods("/v1/items", ["PUT"], [RequiresKey(KeyType.Write, Scope = "items")] () => "x");
        string[] verbs = { "POST" };
        verbs[0] = "PATCH";
        app.MapMethods("/v1/dynamic", verbs, () => 1);
        app.Map("/v1/any", [RequiresKey(KeyType.Admin)] () => "x");
        app.Map("/raw", (HttpContext context) => Task.CompletedTask);
        app.MapFallback(() => "fallback");
        app.MapFallback("/docs/{**rest}", [AllowAnonymous] () => "docs");
        var prefix = Environment.GetEnvironmentVariable("PREFIX") ?? "/x";
        app.MapGroup(prefix).MapGet("/y", [RequiresKey(KeyType.Read, Scope = "dyn")] () => 1);
        app.UseEndpoints(endpoints => endpoints.MapGet("/legacy", () => "legacy").AllowAnonymous());
        EndpointRouteBuilderExtensions.MapGet(app, "/static-call", () => "s");
        app.Run();
        """;

    [Fact]
    public void Groups_returned_by_helper_methods_give_their_prefix_and_declarations()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", """
                var builder = WebApplication.CreateBuilder(args);
                var app = builder.Build();
                var admin = Helpers.AdminGroup(app);
                admin.MapGet("/stats", () => "ok");
                admin.MapDelete("/cache", () => "ok").RequireKey(KeyType.Delete, "cache");
                Helpers.PlainGroup(app).MapGet("/p", () => "ok");
                Helpers.PlainGroup(app, "/plain2").MapGet("/q", () => "ok").AllowAnonymous();
                Helpers.Nested(Helpers.AdminGroup(app, "/helper2")).MapGet("/n", () => "ok");
                Helpers.Block(app).MapGet("/b", () => "ok");
                app.Run();
                """),
            ("Helpers.cs", """
                static class Helpers
                {
                    public static RouteGroupBuilder AdminGroup(IEndpointRouteBuilder routes, string prefix = "/helper")
                        => routes.MapGroup(prefix).RequireKey(KeyType.Admin);

                    public static RouteGroupBuilder PlainGroup(IEndpointRouteBuilder routes, string prefix = "/plain")
                        => routes.MapGroup(prefix);

                    public static RouteGroupBuilder Nested(RouteGroupBuilder parent)
                        => parent.MapGroup("/nested").RequireKey(KeyType.Read, "nested");

                    public static RouteGroupBuilder Block(IEndpointRouteBuilder routes)
                    {
                        var group = routes.MapGroup("/block");
                        group.RequireKey(KeyType.Read, "block");
                        return group;
                    }
                }
                """),
        ]);

        Assert.Equal(["admin"], app.Single("/helper/stats", "GET").Permissions);
        Assert.Equal(["admin", "delete:cache"], app.Single("/helper/cache", "DELETE").Permissions);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/plain/p", "GET").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/plain2/q", "GET").Access);
        Assert.Equal(["admin", "read:nested"], app.Single("/helper2/nested/n", "GET").Permissions);
        Assert.Equal(["read:block"], app.Single("/block/b", "GET").Permissions);
        Assert.DoesNotContain(app.Manifest.Endpoints, e => e.Route is null);
    }

    [Fact]
    public void Wrapper_helpers_returning_the_endpoint_builder_give_one_row_per_call_with_the_callers_declarations()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", """
                var builder = WebApplication.CreateBuilder(args);
                var app = builder.Build();
                app.MapPostNamed(() => "ok", "/w/key").RequireKey(KeyType.Write, "wrapped");
                app.MapPostNamed(() => "ok", "/w/anon").AllowAnonymous();
                app.MapPostNamed(() => "ok", "/w/undeclared");
                app.MapPostNamed([RequiresKey(KeyType.Write, Scope = "handler")] () => "ok", "/w/handler-attr");
                var v1 = app.MapGroup("/wv1").RequireKey(KeyType.Read, "versioned");
                v1.MapGetV1("/items", () => "ok");
                app.Run();
                """),
            ("Wrappers.cs", """
                static class Wrappers
                {
                    public static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder builder, Delegate handler, string pattern)
                        => builder.MapPost(pattern, handler).WithName("named" + pattern);

                    public static RouteHandlerBuilder MapGetV1(this RouteGroupBuilder group, string pattern, Delegate handler)
                        => group.MapGet(pattern, handler).WithTags("v1");
                }
                """),
        ]);

        Assert.Equal(["write:wrapped"], app.Single("/w/key", "POST").Permissions);
        Assert.Equal(EndpointAccess.Public, app.Single("/w/anon", "POST").Access);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/w/undeclared", "POST").Access);
        Assert.Equal(["write:handler"], app.Single("/w/handler-attr", "POST").Permissions);
        Assert.Equal(["read:versioned"], app.Single("/wv1/items", "GET").Permissions);
        Assert.Equal("Program.cs", app.Single("/w/key", "POST").SourceFile);
        // The Map call inside the wrapper is not a row of its own (its pattern is the wrapper's parameter).
        Assert.Equal(5, app.Manifest.Endpoints.Count);
    }

    [Fact]
    public void MapMethods_Map_and_MapFallback_give_their_methods_and_routes()
    {
        var app = GeneratorHarness.Run(Shapes);

        Assert.Equal(["read:items"], app.Single("/v1/items", "GET", "HEAD").Permissions);
        Assert.Equal(["write:items"], app.Single("/v1/items", "PUT").Permissions);
        // Not a constant array: the methods are unknown, written as "any".
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/v1/dynamic").Access);
        Assert.Equal(["admin"], app.Single("/v1/any").Permissions);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/raw").Access);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/{*path:nonfile}").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/docs/{**rest}").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/legacy", "GET").Access);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/static-call", "GET").Access);

        // A prefix that is not a constant: the route is null, the declaration is still read.
        var dynamic = app.Single(null, "GET");
        Assert.Equal(["read:dyn"], dynamic.Permissions);
        Assert.Equal(GeneratorHarness.LineOf(Shapes, "app.MapGroup(prefix)"), dynamic.Line);
    }

    [Fact]
    public void MapFallback_with_a_RequestDelegate_is_an_endpoint()
    {
        var app = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            app.MapFallback(context => Task.CompletedTask);
            app.Run();
            """);
        Assert.Single(app.Manifest.Endpoints);
    }

    private const string Extension = """
        var app = WebApplication.Create(args);
        app.MapGroup("/v1").RequireAuthorization().MapMonitorEndpoints();
        app.Run();

        static class MonitorEndpoints
        {
            public static IEndpointRouteBuilder MapMonitorEndpoints(this IEndpointRouteBuilder routes)
            {
                routes.MapGet("/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
                var incidents = routes.MapGroup("/incidents").RequireKey(KeyType.Write, "incidents");
                incidents.MapPost("/", () => "i");
                routes.MapGet("/line\nbreak", () => "odd");
                return routes;
            }
        }
        """;

    [Fact]
    public void Endpoints_mapped_in_an_extension_method_get_the_prefix_of_its_call_site()
    {
        var app = GeneratorHarness.Run(Extension);

        Assert.Equal(3, app.Manifest.Endpoints.Count);

        var monitors = app.Single("/v1/monitors", "GET");
        Assert.Equal(["read:monitors"], monitors.Permissions);
        Assert.Equal(GeneratorHarness.LineOf(Extension, "routes.MapGet(\"/monitors\""), monitors.Line);

        var incidents = app.Single("/v1/incidents/", "POST");
        Assert.Equal(["write:incidents"], incidents.Permissions);

        // The caller's group declares what the method maps (as at run time): RequireAuthorization() on "/v1".
        var odd = app.Single("/v1/line\nbreak", "GET");
        Assert.Equal(EndpointAccess.Authorize, odd.Access);
    }

    private const string Callers = """
        var app = WebApplication.Create(args);
        app.MapGroup("/v1").MapShared();
        app.MapGroup("/v2").MapShared();
        app.MapGroup("/outer").MapOuter();
        app.MapGroup(Environment.GetEnvironmentVariable("P") ?? "/p").MapDynamic();
        app.MapGroup("/r").RegisterRoutes();
        Wiring.Wire(app.MapGroup("/w"));
        app.Run();

        static class Wiring
        {
            public static void RegisterRoutes(this IEndpointRouteBuilder routes)
                => routes.MapGet("/registered", [AllowAnonymous] () => 1);

            // Not named like a mapping method: its call sites are not looked at (IDE cost), the route stays unknown.
            public static void Wire(IEndpointRouteBuilder routes)
                => routes.MapGet("/wired", [AllowAnonymous] () => 1);
        }

        static class Mapping
        {
            public static void MapShared(this IEndpointRouteBuilder routes)
                => routes.MapGet("/shared", [AllowAnonymous] () => 1);

            public static void MapOuter(this IEndpointRouteBuilder routes)
                => routes.MapGroup("/middle").MapInner();

            public static void MapInner(this IEndpointRouteBuilder routes)
                => routes.MapGet("/inner", [AllowAnonymous] () => 1);

            public static void MapDynamic(this IEndpointRouteBuilder routes)
                => routes.MapGet("/dynamic", [AllowAnonymous] () => 1);

            public static void MapNeverCalled(this IEndpointRouteBuilder routes)
                => routes.MapGet("/never", [AllowAnonymous] () => 1);
        }
        """;

    [Fact]
    public void Call_sites_are_followed_through_nested_methods_and_each_prefix_is_a_row()
    {
        var app = GeneratorHarness.Run(Callers);

        Assert.Equal(EndpointAccess.Public, app.Single("/v1/shared", "GET").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/v2/shared", "GET").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/outer/middle/inner", "GET").Access);

        Assert.Equal(EndpointAccess.Public, app.Single("/r/registered", "GET").Access);

        // A method not named like a mapping method: its callers are found all the same (as DAUTH001 finds them).
        Assert.Equal(EndpointAccess.Public, app.Single("/w/wired", "GET").Access);

        // A non-constant prefix at the call, or no call at all: the route stays unknown.
        Assert.Equal(2, app.Manifest.Endpoints.Count(e => e.Route is null));
        Assert.Contains(app.DocsRoutes(), r => r.Pattern == "/dynamic" && r.RouteKind == "prefixUnknown");
        Assert.Contains(app.DocsRoutes(), r => r.Pattern == "/never" && r.RouteKind == "prefixUnknown");
        Assert.Equal(7, app.Manifest.Endpoints.Count);
    }

    private const string Metadata = """
        var app = WebApplication.Create(args);
        app.MapGet("/meta/anon", () => 1).WithMetadata(new AllowAnonymousAttribute());
        app.MapGet("/meta/key", () => 1).WithMetadata(new RequiresKeyAttribute(KeyType.Write) { Scope = "meta" });
        app.MapGroup("/g").WithMetadata(new AuthorizeAttribute()).MapGet("/x", () => 1);
        var handler = [RequiresKey(KeyType.Read, Scope = "local")] () => "h";
        app.MapGet("/via-local", handler);
        app.MapGroup("/admin").MapAdmin();
        app.Run();

        static class AdminEndpoints
        {
            public static void MapAdmin(this RouteGroupBuilder group)
            {
                group.RequireKey(KeyType.Admin);
                group.MapGet("/stats", () => 1);
            }
        }
        """;

    [Fact]
    public void WithMetadata_locals_holding_handlers_and_declared_parameters_count_as_the_analyzer_counts_them()
    {
        var app = GeneratorHarness.Run(Metadata);

        Assert.Equal(EndpointAccess.Public, app.Single("/meta/anon", "GET").Access);
        Assert.Equal(["write:meta"], app.Single("/meta/key", "GET").Permissions);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/g/x", "GET").Access);

        var local = app.Single("/via-local", "GET");
        Assert.Equal(["read:local"], local.Permissions);
        Assert.Equal("lambda", local.Handler);

        // Mapped on a parameter: the call site gives the prefix; the fluent call on the parameter declares it.
        var stats = app.Single("/admin/stats", "GET");
        Assert.Equal(["admin"], stats.Permissions);
        Assert.Equal(GeneratorHarness.LineOf(Metadata, "group.MapGet"), stats.Line);
    }

    [Fact]
    public void A_child_group_declares_only_its_own_endpoints_and_a_helper_declaring_its_group_declares_the_group()
    {
        // The table reads the facts DAUTH001 reads (src/Analysis): a child group's AllowAnonymous does not leak to its
        // parent, a source helper that calls RequireKey on the group it is given declares that group, and a local assigned
        // after its declaration counts its later fluent calls.
        var app = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            var api = app.MapGroup("/v1");
            api.MapGroup("/child").AllowAnonymous().MapGet("/open", () => "a");
            api.MapGet("/undeclared", () => "b");
            app.MapGroup("/v2").Secure().MapGet("/secured", () => "c");
            RouteHandlerBuilder assigned;
            assigned = app.MapGet("/v3/assigned", () => "d");
            assigned.RequireAuthorization();
            app.Run();

            static class Helpers
            {
                public static RouteGroupBuilder Secure(this RouteGroupBuilder group) => group.RequireKey(KeyType.Read, "things");
            }
            """);

        Assert.Equal(EndpointAccess.Public, app.Single("/v1/child/open", "GET").Access);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/v1/undeclared", "GET").Access);
        Assert.Equal(["read:things"], app.Single("/v2/secured", "GET").Permissions);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/v3/assigned", "GET").Access);
    }
}
