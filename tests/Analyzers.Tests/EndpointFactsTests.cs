namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH006 (key type against HTTP method), DAUTH007 (same route twice, different requirements), DAUTH008 (route not constant).</summary>
public class EndpointFactsTests
{
    [Fact]
    public Task DAUTH006_fires_on_write_or_delete_keys_for_GET_and_read_keys_for_DELETE()
        => Verify.WithAsync([new DeclarationAnalyzer()], [("Program.cs", Verify.EmptyProgram), ("Endpoints.cs", """
            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/v1/export", [RequiresKey({|DAUTH006:KeyType.Write|}, Scope = "events")] () => "a");
                    app.MapGet("/v1/purge", () => "b").RequireKey({|DAUTH006:KeyType.Delete|}, "events");
                    app.MapDelete("/v1/events/{id}", [RequiresKey({|DAUTH006:KeyType.Read|}, Scope = "events")] (int id) => id);
                    app.MapMethods("/v1/head", ["HEAD"], [RequiresKey({|DAUTH006:KeyType.Write|}, Scope = "events")] () => "c");

                    app.MapGet("/v1/ok", [RequiresKey(KeyType.Read, Scope = "events")] () => "d");
                    app.MapPost("/v1/ok", [RequiresKey(KeyType.Read, Scope = "events")] () => "e");
                    app.MapDelete("/v1/ok/{id}", (int id) => id).RequireKey(KeyType.Delete, "events");
                    app.MapGet("/v1/admin", [RequiresKey(KeyType.Admin)] () => "f");
                    app.MapMethods("/v1/mixed", ["GET", "POST"], [RequiresKey(KeyType.Write, Scope = "events")] () => "g");
                    app.MapGroup("/v2").RequireKey(KeyType.Write, "events").MapGet("/x", () => "h");
                }
            }

            [Route("api/things")]
            public sealed class ThingsController : ControllerBase
            {
                [HttpGet, RequiresKey({|DAUTH006:KeyType.Write|}, Scope = "things")] public IActionResult List() => Ok();
                [HttpDelete("{id}"), RequiresKey(KeyType.Delete, Scope = "things")] public IActionResult Delete(int id) => Ok();
                [HttpGet("{id}"), RequiresKey(KeyType.Read, Scope = "things")] public IActionResult Get(int id) => Ok();
            }
            """)],
            "Endpoint 'GET /v1/export' is a GET (it reads) but requires KeyType.Write; write KeyType.Read unless this is deliberate",
            "Endpoint 'GET /v1/purge' is a GET (it reads) but requires KeyType.Delete; write KeyType.Read unless this is deliberate",
            "Endpoint 'DELETE /v1/events/{id}' is a DELETE but requires KeyType.Read; write KeyType.Delete unless this is deliberate",
            "Endpoint 'HEAD /v1/head' is a HEAD (it reads) but requires KeyType.Write; write KeyType.Read unless this is deliberate",
            "Endpoint 'GET ThingsController.List' is a GET (it reads) but requires KeyType.Write; write KeyType.Read unless this is deliberate");

    [Fact]
    public Task DAUTH007_fires_on_the_second_of_two_endpoints_with_one_route_and_method_and_different_requirements()
        => Verify.ProgramWithAsync(new DuplicateRouteAnalyzer(), """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/items/{id}", [RequiresKey(KeyType.Read, Scope = "items")] (int id) => id);
            app.{|DAUTH007:MapGet|}("/v1/Items/{itemId}/", [AllowAnonymous] (int itemId) => itemId);
            app.MapGet("/v1/items/{id:int}", [AllowAnonymous] (int id) => id);
            app.MapPost("/v1/items/{id}", [AllowAnonymous] (int id) => id);
            var v2 = app.MapGroup("/v2");
            v2.MapPost("/x", () => "a").RequireKey(KeyType.Write, "x");
            app.{|DAUTH007:MapPost|}("/v2/x", () => "b").RequireKey(KeyType.Write, "y");
            app.MapPut("/v3/same", () => "c").RequireKey(KeyType.Write, "same");
            app.MapPut("/v3/same", [RequiresKey(KeyType.Write, Scope = "same")] () => "d");
            app.MapGet("/v4/unknown", () => "e").RequireAuthorization();
            app.MapGet("/v4/unknown", () => "f").AllowAnonymous();
            app.Run();
            """,
            "Endpoint 'GET /v1/Items/{itemId}/' is also mapped at Program.cs(2) with a different requirement (anonymous here, read:items there); keep one endpoint with one requirement",
            "Endpoint 'POST /v2/x' is also mapped at Program.cs(7) with a different requirement (write:y here, write:x there); keep one endpoint with one requirement");

    [Fact]
    public Task DAUTH007_compares_attribute_routed_actions_with_each_other_and_with_minimal_APIs()
        => Verify.WithAsync([new DuplicateRouteAnalyzer()], [
            ("Program.cs", """
                var app = WebApplication.Create(args);
                app.{|DAUTH007:MapGet|}("/api/orders/{id}", [AllowAnonymous] (int id) => id);
                app.Run();
                """),
            ("Controllers.cs", """
                [Route("api/[controller]")]
                [RequiresKey(KeyType.Read, Scope = "orders")]
                public sealed class OrdersController : ControllerBase
                {
                    [HttpGet("{id}")] public IActionResult Get(int id) => Ok(id);
                    [HttpGet("{orderId}"), RequiresKey(KeyType.Admin)] public IActionResult {|DAUTH007:GetAsAdmin|}(int orderId) => Ok(orderId);
                    [HttpPost] public IActionResult Create() => Ok();
                    [HttpPost] public IActionResult CreateAgain() => Ok();
                }
                """),
        ],
        "Endpoint 'GET /api/Orders/{orderId} (OrdersController.GetAsAdmin)' is also mapped at Controllers.cs(5) with a different requirement (admin here, read:orders there); keep one endpoint with one requirement",
        "Endpoint 'GET /api/orders/{id}' is also mapped at Controllers.cs(5) with a different requirement (anonymous here, read:orders there); keep one endpoint with one requirement");

    [Fact]
    public Task DAUTH008_fires_on_routes_and_group_prefixes_that_are_not_constants()
        => Verify.ProgramWithAsync(new DeclarationAnalyzer(), """
            var app = WebApplication.Create(args);
            var version = args.Length > 0 ? args[0] : "v1";
            app.MapGet({|DAUTH008:"/" + version + "/events"|}, () => "a").AllowAnonymous();
            var group = app.MapGroup({|DAUTH008:$"/{version}"|}).AllowAnonymous();
            group.MapGet("/constant", () => "b");
            app.MapGet(Routes.Events, () => "c").AllowAnonymous();
            app.MapGet("/" + "literal", () => "d").AllowAnonymous();
            app.MapFallback(() => "e").AllowAnonymous();
            app.Run();

            static class Routes { public const string Events = "/v1/events"; }
            """,
            "The route of 'MapGet(\"/\" + version + \"/events\", ...)' is not a compile-time constant; the endpoint is still enforced, but it cannot enter the generated permission table or docs; use a string literal or const",
            "The route of 'MapGroup($\"/{version}\", ...)' is not a compile-time constant; the endpoint is still enforced, but it cannot enter the generated permission table or docs; use a string literal or const");
}
