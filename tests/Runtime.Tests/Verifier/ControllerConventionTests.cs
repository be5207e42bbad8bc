using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Declarative.Auth.Tests.Verifier;

[Route("api/conventions-open")]
[AllowAnonymous]
public sealed class ConventionsOpenController : ControllerBase
{
    [HttpGet]
    public string Get() => "open";

    [HttpGet("plain")]
    public string Plain() => "plain";
}

/// <summary>
/// MapControllers().RequireKey(...) is a convention: MVC appends its metadata after the controller's attributes, but
/// it is applied from OUTSIDE the class, so the class's [AllowAnonymous] wins (ASP.NET Core's rule; the table's too).
/// </summary>
public sealed class ControllerConventionTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(app => app.MapControllers().RequireKey(KeyType.Read, "api"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Class_AllowAnonymous_beats_a_MapControllers_convention()
    {
        Assert.Equal("open", await (await _app.Client().GetAsync("/api/conventions-open")).Content.ReadAsStringAsync());
        Assert.Equal("plain", await (await _app.Client().GetAsync("/api/conventions-open/plain")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_convention_still_adds_to_a_class_declaration()
    {
        // MonitorsController: [RequiresKey(read:monitors)] on its base + the convention's read:api.
        await (await _app.Client(_app.Key("read:monitors")).GetAsync("/api/monitors")).AssertRefusal(403, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client(_app.Key("read:monitors", "read:api")).GetAsync("/api/monitors")).StatusCode);
        await (await _app.Client().GetAsync("/api/incidents")).AssertRefusal(401, "UNAUTHORIZED");
    }
}
