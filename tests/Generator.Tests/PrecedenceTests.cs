namespace Declarative.Auth.Generator.Tests;

/// <summary>The table follows the one precedence rule the runtime enforces (src/Shared/Rules/DeclarationPrecedence.cs).</summary>
public class PrecedenceTests
{
    private const string Program = """
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddControllers();
        var app = builder.Build();
        app.MapControllers().RequireKey(KeyType.Read, "everything");
        app.MapGet("/either", () => 1).RequireKey(KeyType.Read, "todos").OrAuthorization("staff");
        var library = app.MapGroup("/lib").AllowAnonymousWhereUndeclared();
        library.MapGet("/login", () => 1);
        library.MapGet("/manage", () => 1).RequireAuthorization();
        app.MapGroup("/keyed").RequireKeyWhereUndeclared(KeyType.Read, "lib").MapGet("/x", () => 1);
        app.MapGroup("/v1").RequireKey(KeyType.Read, "api").MapReports();
        app.Run();

        static class ReportEndpoints
        {
            public static void MapReports(this IEndpointRouteBuilder routes) => routes.MapGet("/reports", () => 1);
        }
        """;

    private const string Controllers = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        [Route("plain")]
        public class PlainController : ControllerBase
        {
            [HttpGet] public string Get() => "";
        }

        [Route("open"), AllowAnonymous]
        public class OpenController : ControllerBase
        {
            [HttpGet, Authorize(Policy = "staff")] public string Get() => "";
        }

        [Route("reports"), RequiresKey(KeyType.Read, Scope = "reports")]
        public class ReportsController : ControllerBase
        {
            [HttpGet] public string List() => "";
            [HttpPost, RequiresKey(KeyType.Write, Scope = "exports")] public string Export() => "";
        }
        """;

    private static GeneratedApp Run() => GeneratorHarness.Run([("Program.cs", Program), ("Controllers.cs", Controllers)]);

    [Fact]
    public void MapControllers_RequireKey_reaches_every_action_row()
    {
        var app = Run();
        Assert.Equal(["read:everything"], app.Single("/plain", "GET").Permissions);
        Assert.Equal(["read:everything", "read:reports"], app.Single("/reports", "GET").Permissions);
        // The action's own attribute replaces the class and the conventions.
        Assert.Equal(["write:exports"], app.Single("/reports", "POST").Permissions);
    }

    [Fact]
    public void AllowAnonymous_class_beats_MapControllers_RequireKey_as_conventions_are_outside_the_class()
    {
        // MVC appends convention metadata last, yet ASP.NET Core applies it from outside the class: the class's
        // [AllowAnonymous] wins, and the runtime's policy builder orders the levels the same way.
        var app = Run();
        Assert.Equal(EndpointAccess.Public, app.Single("/open", "GET").Access);
        Assert.Equal(["read:everything"], app.Single("/plain", "GET").Permissions);
    }

    [Fact]
    public void AllowAnonymous_class_beats_Authorize_action_as_in_ASP_NET_Core()
    {
        var app = GeneratorHarness.Run([("Program.cs", Program.Replace(".RequireKey(KeyType.Read, \"everything\")", "")), ("Controllers.cs", Controllers)]);
        Assert.Equal(EndpointAccess.Public, app.Single("/open", "GET").Access);
    }

    [Fact]
    public void OrAuthorization_is_a_row_flag_and_a_docs_access_kind()
    {
        var app = Run();
        var either = app.Single("/either", "GET");
        Assert.Equal(EndpointAccess.Key, either.Access);
        Assert.True(either.OrAuthorization);
        Assert.False(app.Single("/plain", "GET").OrAuthorization);
        Assert.Contains("\"access\": \"keyOrAuthorization\"", app.Docs.Json);
        Assert.Contains("\"orAuthorization\": \"staff\"", app.Docs.Json);
        Assert.Contains("key or authorization: or a caller the app's policy 'staff' accepts", app.Docs.Markdown);
    }

    [Fact]
    public void WhereUndeclared_declares_only_what_nothing_else_declares()
    {
        var app = Run();
        Assert.Equal(EndpointAccess.Public, app.Single("/lib/login", "GET").Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/lib/manage", "GET").Access);
        Assert.Equal(["read:lib"], app.Single("/keyed/x", "GET").Permissions);
    }

    [Fact]
    public void An_extension_method_called_on_a_declared_group_gets_its_declaration()
        => Assert.Equal(["read:api"], Run().Single("/v1/reports", "GET").Permissions);
}
