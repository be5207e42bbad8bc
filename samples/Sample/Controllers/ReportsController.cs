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

    // A sync is expensive: besides the key's own limits, each key may start 3 an hour and 20 a day (named in the
    // RateLimit-Policy/RateLimit headers; a 429 names the one it hit).
    [HttpPost("sync")]
    [RequiresKey(KeyType.Write, Scope = "reports")]
    [KeyRateLimitWindow("sync-hour", 3, "01:00:00")]
    [KeyRateLimitWindow("sync-day", 20, "1.00:00:00")]
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
