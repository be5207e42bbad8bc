using Declarative.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Declarative.Auth.Sample.Controllers;

/// <summary>Declarations shared by the sample's controllers: reading reports is the floor.</summary>
[ApiController]
[RequiresKey(KeyType.Read, Scope = "reports")]
public abstract class SampleControllerBase : ControllerBase;

/// <summary>Reports (FloKit-style): read-only keys read them, read-write keys also trigger syncs.</summary>
[Route("v1/reports")]
public sealed class ReportsController : SampleControllerBase
{
    [HttpGet]
    public IActionResult List() => Ok(new[] { new { id = "weekly", rows = 42 } });

    [HttpPost("sync")]
    [RequiresKey(KeyType.Write, Scope = "reports")]
    public IActionResult Sync() => Accepted(new { sync = "started" });
}

/// <summary>Workspace settings: admin keys only.</summary>
[ApiController]
[Route("v1/workspace")]
[RequiresKey(KeyType.Admin)]
public sealed class WorkspaceController : ControllerBase
{
    [HttpGet]
    public IActionResult Get() => Ok(new { name = "demo", plan = "free" });

    [HttpGet("status")]
    [AllowAnonymous]
    public IActionResult Status() => Ok(new { status = "operational" });
}
