namespace Declarative.Auth.Conformance.App.Controllers;

/// <summary>[AllowAnonymous] on the class wins over [Authorize(Policy)] on an action (ASP.NET Core), and over outer keys.</summary>
[AllowAnonymous]
[Route("api/[controller]")]
public sealed class PublicInfoController : ControllerBase
{
    [HttpGet] [Authorize(Policy = ConformanceHost.StaffPolicy)] public string Get() => "ok"; //= GET /api/PublicInfo => public

    [HttpGet("plain")] public string Plain() => "ok"; //= GET /api/PublicInfo/plain => public
}

/// <summary>Declared only by MapControllers().RequireKey(...).</summary>
[Route("api/[controller]")]
public sealed class PingController : ControllerBase
{
    [HttpGet] public string Get() => "ok"; //= GET /api/Ping => key[read:api]
}

/// <summary>[Authorize] never removes a key requirement.</summary>
[Authorize]
[Route("api/[controller]")]
public sealed class AccountController : ControllerBase
{
    [HttpGet] public string Me() => "ok"; //= GET /api/Account => key[read:api]
}

/// <summary>No class route: templates on the actions, one of them rooted.</summary>
public sealed class MiscController : ControllerBase
{
    [HttpGet("/api/misc/absolute")] public string Absolute() => "ok"; //= GET /api/misc/absolute => key[read:api]

    [HttpPut("/api/misc/{id}")] [RequiresKey(KeyType.Admin)] public string Put(string id) => id; //= PUT /api/misc/{id} => key[admin]
}

/// <summary>[OrAuthorization] next to the class's key: a key with the requirement, or a staff login.</summary>
[Route("api/[controller]")]
[RequiresKey(KeyType.Read, Scope = "staffed")]
[OrAuthorization(Policy = ConformanceHost.StaffPolicy)]
public sealed class StaffedController : ControllerBase
{
    [HttpGet] public string Get() => "ok"; //= GET /api/Staffed => key[read:api,read:staffed]
}
