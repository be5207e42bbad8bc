using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Declarative.Auth.Tests.Verifier;

[RequiresKey(KeyType.Read, Scope = "monitors")]
public abstract class MonitorsBaseController : ControllerBase
{
    [HttpGet("inherited")]
    public string Inherited() => "inherited";
}

[ApiController]
[Route("api/[controller]")]
public sealed class MonitorsController : MonitorsBaseController
{
    [HttpGet]
    public string List() => "list";

    [HttpPost]
    [RequiresKey(KeyType.Write, Scope = "monitors")]
    public string Create() => "created";

    [HttpDelete("{id}")]
    [RequiresKey(KeyType.Delete, Scope = "monitors")]
    public string Delete(string id) => "deleted " + id;

    [HttpGet("status")]
    [AllowAnonymous]
    public string Status() => "up";

    [NonAction]
    public string NotAnAction() => "never";
}

[ApiController]
[Route("api/incidents")]
public sealed class IncidentsController : ControllerBase
{
    [HttpGet]
    public string List() => "undeclared";
}

public sealed class ControllerTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(app => app.MapControllers());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Class_declaration_inherited_from_a_base_controller_applies_to_actions()
    {
        await (await _app.Client().GetAsync("/api/monitors")).AssertRefusal(401, "UNAUTHORIZED");
        var read = _app.Key("read:monitors");
        Assert.Equal("list", await (await _app.Client(read).GetAsync("/api/monitors")).Content.ReadAsStringAsync());
        Assert.Equal("inherited", await (await _app.Client(read).GetAsync("/api/monitors/inherited")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Action_declaration_replaces_the_class_one()
    {
        var read = _app.Key("read:monitors");
        var body = await (await _app.Client(read).PostAsync("/api/monitors", null)).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("write:monitors", body.GetProperty("detail").GetString());

        // delete:monitors alone is enough: the action's declaration replaced read:monitors.
        var delete = _app.Key("delete:monitors");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(delete).DeleteAsync("/api/monitors/7")).StatusCode);
    }

    [Fact]
    public async Task AllowAnonymous_action_is_public()
    {
        Assert.Equal("up", await (await _app.Client().GetAsync("/api/monitors/status")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Undeclared_controller_is_refused()
    {
        await (await _app.Client(_app.Key("admin")).GetAsync("/api/incidents")).AssertRefusal(403, "FORBIDDEN");
    }
}
