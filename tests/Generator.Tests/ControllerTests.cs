namespace Declarative.Auth.Generator.Tests;

public class ControllerTests
{
    private const string Program = """
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddControllers();
        var app = builder.Build();
        app.MapControllers();
        app.Run();
        """;

    private const string Controllers = """
        using Microsoft.AspNetCore.Mvc;

        namespace Sample.Controllers;

        [RequiresKey(KeyType.Read, Scope = "monitors")]
        public abstract class SecuredControllerBase : ControllerBase
        {
            [HttpGet("health")]
            public string Health() => "ok";

            public virtual string Describe() => "base";
        }

        [ApiController]
        [Route("api/[controller]")]
        public sealed class MonitorsController : SecuredControllerBase
        {
            [HttpGet]
            public string List() => "";

            [HttpGet("{id}")]
            public string Get(int id) => "";

            [HttpPost, RequiresKey(KeyType.Write, Scope = "monitors")]
            public string Create() => "";

            [HttpDelete("{id}")]
            [AllowAnonymous]
            public string Delete(int id) => "";

            [HttpPut("/absolute/{id}")]
            [Authorize]
            public string Put(int id) => "";

            [AcceptVerbs("GET", "HEAD", Route = "[action]")]
            public string Peek() => "";

            [NonAction]
            public string Helper() => "";

            public override string Describe() => "derived";

            private string Hidden() => "";

            public static string Static() => "";
        }

        public class GenericBase<T> : ControllerBase where T : class
        {
            [HttpGet("generic")]
            public string Generic() => typeof(T).Name;
        }

        [Route("api/v2/[controller]/[action]")]
        public class ItemsController : GenericBase<string>
        {
            public string Index() => "";

            [ActionName("Find")]
            public Task<string> SearchAsync() => Task.FromResult("");
        }

        public class HomeController : Controller
        {
            public IActionResult Index() => Ok();
        }

        [Authorize]
        public class AdminController : ControllerBase
        {
            [Route("admin/stats")]
            public string Stats() => "";

            [HttpGet("admin/public"), AllowAnonymous]
            public string Open() => "";
        }

        [Controller]
        public class Reports
        {
            [HttpGet("reports")]
            [RequiresKey(KeyType.Read, Scope = "reports")]
            public string All() => "";
        }

        public class PlainService
        {
            public string Nope() => "";
        }

        public abstract class AbstractController : ControllerBase
        {
            public string Abstractly() => "";
        }

        [NonController]
        public class SkippedController : ControllerBase
        {
            public string Skip() => "";
        }
        """;

    [Fact]
    public void Controllers_combine_class_and_action_routes_and_declarations()
    {
        var app = GeneratorHarness.Run([("Program.cs", Program), ("Controllers/Monitors.cs", Controllers)]);

        // Class declaration inherited from the base class.
        var list = app.Single("/api/Monitors", "GET");
        Assert.Equal(["read:monitors"], list.Permissions);
        Assert.Equal("MonitorsController.List", list.Handler);
        Assert.Equal("Monitors.cs", list.SourceFile);
        Assert.Equal(GeneratorHarness.LineOf(Controllers, "public string List()"), list.Line);

        Assert.Equal(["read:monitors"], app.Single("/api/Monitors/{id}", "GET").Permissions);

        // The action's declaration replaces the class's.
        Assert.Equal(["write:monitors"], app.Single("/api/Monitors", "POST").Permissions);
        Assert.Equal(EndpointAccess.Public, app.Single("/api/Monitors/{id}", "DELETE").Access);
        // [Authorize] on the action never removes the class's key requirement (the runtime's rule, now the table's too).
        Assert.Equal(["read:monitors"], app.Single("/absolute/{id}", "PUT").Permissions);
        Assert.Equal(["read:monitors"], app.Single("/api/Monitors/Peek", "GET", "HEAD").Permissions);

        // Inherited action from the base, at the base's line.
        var health = app.Single("/api/Monitors/health", "GET");
        Assert.Equal(["read:monitors"], health.Permissions);
        Assert.Equal("MonitorsController.Health", health.Handler);
        Assert.Equal(GeneratorHarness.LineOf(Controllers, "public string Health()"), health.Line);

        // The override stands for the virtual base method: one endpoint, conventional route (no [Route] on it... but the class has one).
        var describe = app.ByHandler("MonitorsController.Describe");
        Assert.Equal("/api/Monitors", describe.Route);
        Assert.Empty(describe.HttpMethods);

        // [NonAction], private and static methods are not actions.
        Assert.DoesNotContain(app.Manifest.Endpoints, e => e.Handler is "MonitorsController.Helper" or "MonitorsController.Hidden" or "MonitorsController.Static");

        // Generic base, [action] token, [ActionName], Async suffix.
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/api/v2/Items/Index").Access);
        Assert.Equal(EndpointAccess.Undeclared, app.Single("/api/v2/Items/Generic/generic", "GET").Access);
        Assert.Equal("ItemsController.SearchAsync", app.Single("/api/v2/Items/Find").Handler);

        // No attribute route anywhere: conventional routing decides at run time.
        var home = app.ByHandler("HomeController.Index");
        Assert.Null(home.Route);
        Assert.Equal(EndpointAccess.Undeclared, home.Access);
        Assert.Equal("Monitors.cs", home.SourceFile);
        Assert.Contains(app.DocsRoutes(), r => r.Handler == "HomeController.Index" && r.RouteKind == "conventional");

        Assert.Equal(EndpointAccess.Authorize, app.Single("/admin/stats").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/admin/public", "GET").Access);
        Assert.Equal(["read:reports"], app.Single("/reports", "GET").Permissions);

        Assert.DoesNotContain(app.Manifest.Endpoints, e => e.Handler.StartsWith("PlainService", StringComparison.Ordinal)
            || e.Handler.StartsWith("AbstractController", StringComparison.Ordinal)
            || e.Handler.StartsWith("SkippedController", StringComparison.Ordinal));

        Assert.Equal(15, app.Manifest.Endpoints.Count);
    }

    [Fact]
    public void A_derived_controllers_own_route_replaces_the_inherited_class_route()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", Program),
            ("Legacy.cs", """
                [Route("api/legacy")]
                [RequiresKey(KeyType.Read, Scope = "legacy")]
                public abstract class LegacyBase : ControllerBase
                {
                    [HttpGet("ping")]
                    public string Ping() => "";
                }

                [Route("api/modern")]
                public class ModernController : LegacyBase
                {
                    [HttpGet("pong")]
                    public string Pong() => "";
                }

                public class InheritingController : LegacyBase
                {
                }
                """),
        ]);

        // MVC takes the route attributes of the first class in the hierarchy that declares any.
        Assert.Equal(["read:legacy"], app.Single("/api/modern/ping", "GET").Permissions);
        Assert.Equal(["read:legacy"], app.Single("/api/modern/pong", "GET").Permissions);
        Assert.DoesNotContain(app.Manifest.Endpoints, e => e.Handler.StartsWith("ModernController", StringComparison.Ordinal)
            && e.Route is not null && e.Route.StartsWith("/api/legacy", StringComparison.Ordinal));
        // A derived class without its own [Route] still inherits the base's.
        Assert.Equal("InheritingController.Ping", app.Single("/api/legacy/ping", "GET").Handler);
        Assert.Equal(3, app.Manifest.Endpoints.Count);
    }

    [Fact]
    public void Partial_controllers_are_read_once()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", Program),
            ("A.cs", """
                [Route("partial")]
                public partial class PartsController : ControllerBase
                {
                    [HttpGet("a"), AllowAnonymous]
                    public string A() => "";
                }
                """),
            ("B.cs", """
                public partial class PartsController
                {
                    [HttpGet("b"), RequiresKey(KeyType.Read, Scope = "parts")]
                    public string B() => "";
                }
                """),
        ]);

        Assert.Equal(2, app.Manifest.Endpoints.Count);
        Assert.Equal(EndpointAccess.Public, app.Single("/partial/a", "GET").Access);
        var b = app.Single("/partial/b", "GET");
        Assert.Equal(["read:parts"], b.Permissions);
        Assert.Equal("B.cs", b.SourceFile);
        Assert.Equal(4, b.Line);
    }

    [Fact]
    public void An_override_inherits_the_route_of_the_action_it_overrides()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", Program),
            ("Versioned.cs", """
                [Route("api")]
                public abstract class VersionedBase : ControllerBase
                {
                    [HttpGet("version")]
                    public virtual string Version() => "1";
                }

                [AllowAnonymous]
                public class ReleaseController : VersionedBase
                {
                    public override string Version() => "2";
                }
                """),
        ]);

        var version = app.Single("/api/version", "GET");
        Assert.Equal("ReleaseController.Version", version.Handler);
        Assert.Equal(EndpointAccess.Public, version.Access);
        Assert.Equal(11, version.Line);
    }

    [Fact]
    public void Area_tokens_and_escaped_brackets_are_replaced_as_MVC_does()
    {
        var app = GeneratorHarness.Run([
            ("Program.cs", Program),
            ("Areas.cs", """
                [Area("Billing")]
                [Route("[area]/[controller]")]
                public class InvoicesController : ControllerBase
                {
                    [HttpGet("[action]/[[literal]]"), RequiresKey(KeyType.Read, Scope = "invoices")]
                    public string Export() => "";

                    [HttpGet("[unknown]")]
                    public string Broken() => "";
                }
                """),
        ]);

        Assert.Equal(["read:invoices"], app.Single("/Billing/Invoices/Export/[literal]", "GET").Permissions);
        // An unknown token makes MVC refuse the route at start-up: no route here either.
        Assert.Null(app.ByHandler("InvoicesController.Broken").Route);
        Assert.Contains(app.DocsRoutes(), r => r.Handler == "InvoicesController.Broken" && r.RouteKind == "notConstant");
    }
}
