namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH001 on controller actions: MVC's rules for controllers and actions, and where declarations may sit.</summary>
public class ControllerTests
{
    private static string Msg(string endpoint, string keyType, string scope)
        => $"Endpoint '{endpoint}' has no auth declaration; add [RequiresKey(KeyType.{keyType}, Scope = \"{scope}\")], or [AllowAnonymous] if it is public";

    [Fact]
    public Task Undeclared_actions_are_reported_on_their_names_with_route_and_verb()
        => Verify.ControllersAsync("""
            [ApiController]
            [Route("api/v1/[controller]")]
            public sealed class MonitorsController : ControllerBase
            {
                [HttpGet]
                public IActionResult {|DAUTH001:List|}() => Ok();

                [HttpGet("{id}")]
                public IActionResult {|DAUTH001:Get|}(int id) => Ok(id);

                [HttpPost]
                public IActionResult {|DAUTH001:Create|}() => Ok();

                [HttpDelete("{id}")]
                public IActionResult {|DAUTH001:Delete|}(int id) => Ok(id);

                [HttpPut("/v2/incidents/{id}")]
                public IActionResult {|DAUTH001:Replace|}(int id) => Ok(id);
            }
            """,
            Msg("GET /api/v1/Monitors (MonitorsController.List)", "Read", "monitors"),
            Msg("GET /api/v1/Monitors/{id} (MonitorsController.Get)", "Read", "monitors"),
            Msg("POST /api/v1/Monitors (MonitorsController.Create)", "Write", "monitors"),
            Msg("DELETE /api/v1/Monitors/{id} (MonitorsController.Delete)", "Delete", "monitors"),
            Msg("PUT /v2/incidents/{id} (MonitorsController.Replace)", "Write", "incidents"));

    [Fact]
    public Task Class_level_declarations_cover_every_action()
        => Verify.ControllersAsync("""
            [RequiresKey(KeyType.Read, Scope = "a")]
            public sealed class AController : ControllerBase { public IActionResult Get() => Ok(); }

            [Authorize]
            public sealed class BController : Controller { public IActionResult Index() => View(); }

            [AllowAnonymous]
            public sealed class CController : ControllerBase { public IActionResult Get() => Ok(); }

            [Authorize(Policy = "p"), Route("api/d")]
            public sealed class DController : ControllerBase
            {
                [AllowAnonymous, HttpGet("open")] public IActionResult Open() => Ok();
                [HttpGet] public IActionResult Closed() => Ok();
            }
            """);

    [Fact]
    public Task Action_level_declarations_count_one_action_at_a_time()
        => Verify.ControllersAsync("""
            public sealed class EventsController : ControllerBase
            {
                [RequiresKey(KeyType.Write, Scope = "events")]
                [HttpPost]
                public IActionResult Send() => Ok();

                [AllowAnonymous]
                public IActionResult Ping() => Ok();

                [Authorize]
                public IActionResult Mine() => Ok();

                public IActionResult {|DAUTH001:Forgotten|}() => Ok();
            }
            """,
            Msg("ANY EventsController.Forgotten", "Read", "events"));

    [Fact]
    public Task Methods_that_are_not_actions_are_not_reported()
        => Verify.ControllersAsync("""
            public sealed class ThingsController : ControllerBase, IDisposable
            {
                [NonAction] public IActionResult Helper() => Ok();
                private IActionResult Hidden() => Ok();
                protected IActionResult Protected() => Ok();
                internal IActionResult Internal() => Ok();
                public static IActionResult Static() => new OkResult();
                public IActionResult Generic<T>() => Ok();
                public int Count { get; set; }
                public override string ToString() => "things";
                public override bool Equals(object? obj) => false;
                public override int GetHashCode() => 0;
                public void Dispose() { }
                public IActionResult {|DAUTH001:Real|}() => Hidden();
            }
            """);

    [Fact]
    public Task Types_that_are_not_controllers_are_not_reported()
        => Verify.ControllersAsync("""
            [NonController]
            public sealed class ToolsController : ControllerBase { public IActionResult Get() => Ok(); }

            public abstract class AbstractController : ControllerBase { public IActionResult Get() => Ok(); }

            public class GenericController<T> : ControllerBase { public IActionResult Get() => Ok(); }

            internal sealed class InternalController : ControllerBase { public IActionResult Get() => Ok(); }

            public static class StaticController { public static string Get() => "x"; }

            public sealed class Helper { public string Get() => "plain class, no suffix, no [Controller]"; }

            public sealed class Outer
            {
                public sealed class NestedController : ControllerBase { public IActionResult Get() => Ok(); }
            }

            [NonController]
            public class BaseNonController : ControllerBase { }
            public sealed class InheritsNonControllerController : BaseNonController { public IActionResult Get() => Ok(); }
            """);

    [Fact]
    public Task Controllers_recognised_by_suffix_or_Controller_attribute_without_ControllerBase_are_reported()
        => Verify.ControllersAsync("""
            public sealed class PingController
            {
                public string {|DAUTH001:Get|}() => "pong";
            }

            [Controller]
            public sealed class Status
            {
                public string {|DAUTH001:Get|}() => "ok";
            }

            [ApiController]
            public sealed class Health
            {
                public string {|DAUTH001:Get|}() => "ok";
            }

            // ControllerBase itself carries [Controller], so any subclass is a controller whatever its name.
            public sealed class Reports : ControllerBase
            {
                public IActionResult {|DAUTH001:Get|}() => Ok();
            }
            """);

    [Fact]
    public Task Base_class_declarations_cover_derived_controllers()
        => Verify.ControllersAsync("""
            [RequiresKey(KeyType.Read, Scope = "monitors")]
            public abstract class SecuredController : ControllerBase { public IActionResult Shared() => Ok(); }

            public abstract class Middle : SecuredController { }

            public sealed class MonitorsController : Middle
            {
                public IActionResult List() => Ok();
            }

            [Authorize]
            public abstract class CrudController<T> : ControllerBase { public IActionResult All() => Ok(); }

            public sealed class IncidentsController : CrudController<int>
            {
                public IActionResult Open() => Ok();
            }
            """);

    [Fact]
    public Task Inherited_undeclared_actions_are_reported_on_the_derived_controller_once_per_action()
        => Verify.ControllersAsync("""
            public abstract class ApiBase : ControllerBase
            {
                [HttpGet("list")] public IActionResult List() => Ok();
                [HttpDelete("{id}")] public IActionResult Remove(int id) => Ok(id);
                [RequiresKey(KeyType.Admin)] public IActionResult Admin() => Ok();
                public virtual IActionResult Virtual() => Ok();
                [AllowAnonymous] public virtual IActionResult DeclaredVirtual() => Ok();
            }

            [Route("api/[controller]")]
            public sealed class {|DAUTH001:{|DAUTH001:OrdersController|}|} : ApiBase
            {
                public override IActionResult DeclaredVirtual() => Ok();
                public override IActionResult {|DAUTH001:Virtual|}() => Ok();
            }

            [AllowAnonymous]
            public sealed class PublicController : ApiBase { }
            """,
            Msg("GET /api/Orders/list (OrdersController.List)", "Read", "orders"),
            Msg("DELETE /api/Orders/{id} (OrdersController.Remove)", "Delete", "orders"),
            Msg("ANY /api/Orders (OrdersController.Virtual)", "Read", "orders"));

    [Fact]
    public Task Generic_base_controllers_report_inherited_actions_on_the_derived_controller()
        => Verify.ControllersAsync("""
            public abstract class CrudController<T> : ControllerBase
            {
                [HttpGet] public IActionResult All() => Ok();
                [HttpPost] public IActionResult Add(T item) => Ok(item);
                [RequiresKey(KeyType.Delete, Scope = "items")][HttpDelete] public IActionResult Remove(int id) => Ok(id);
            }

            public sealed class {|DAUTH001:{|DAUTH001:ItemsController|}|} : CrudController<string>
            {
            }
            """,
            Msg("GET ItemsController.All", "Read", "items"),
            Msg("POST ItemsController.Add", "Write", "items"));

    [Fact]
    public Task A_non_abstract_base_controller_is_an_endpoint_of_its_own_and_of_each_derived_one()
        => Verify.ControllersAsync("""
            public class ReportsController : ControllerBase
            {
                public IActionResult {|DAUTH001:Daily|}() => Ok();
            }

            public sealed class {|DAUTH001:ArchivedReportsController|} : ReportsController { }

            [Authorize]
            public sealed class SecuredReportsController : ReportsController { }
            """);

    [Fact]
    public Task NonAction_and_declarations_on_an_overridden_base_method_are_inherited()
        => Verify.ControllersAsync("""
            public abstract class Base : ControllerBase
            {
                [NonAction] public virtual IActionResult Helper() => Ok();
                [RequiresKey(KeyType.Read, Scope = "x")] public virtual IActionResult Declared() => Ok();
            }

            public sealed class XController : Base
            {
                public override IActionResult Helper() => Ok();
                public override IActionResult Declared() => Ok();
            }
            """);

    private const string UndeclaredController = """
        public sealed class OrdersController : ControllerBase
        {
            public IActionResult {|DAUTH001:List|}() => Ok();
        }
        """;

    [Theory]
    [InlineData("app.MapControllers().RequireAuthorization();")]
    [InlineData("app.MapControllers().WithTags(\"api\").RequireKey(KeyType.Read, \"orders\");")]
    [InlineData("var controllers = app.MapControllers();\ncontrollers.AllowAnonymous();")]
    // The action has no attribute route: only conventional routes reach it, and the only one is declared.
    [InlineData("app.MapControllerRoute(\"default\", \"{controller}/{action}\").RequireAuthorization();")]
    public Task A_declaration_on_MapControllers_covers_every_controller(string mapping)
        => Verify.FilesAsync(
            [
                ("Program.cs", "var app = WebApplication.Create(args);\n" + mapping + "\napp.Run();"),
                ("Controllers.cs", UndeclaredController.Replace("{|DAUTH001:List|}", "List", StringComparison.Ordinal)),
            ]);

    [Theory]
    [InlineData("app.MapControllers();")]
    [InlineData("app.MapControllers().WithMetadata(\"not auth\");")]
    [InlineData("var controllers = app.MapControllers();\ncontrollers.WithTags(\"x\");")]
    [InlineData("app.MapControllerRoute(\"default\", \"{controller}/{action}\");")]
    public Task MapControllers_without_a_declaration_covers_nothing(string mapping)
        => Verify.FilesAsync(
            [
                ("Program.cs", "var app = WebApplication.Create(args);\n" + mapping + "\napp.Run();"),
                ("Controllers.cs", UndeclaredController),
            ]);
}
