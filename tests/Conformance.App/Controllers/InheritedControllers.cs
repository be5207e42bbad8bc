namespace Declarative.Auth.Conformance.App.Controllers;

/// <summary>A base class's declaration reaches its derived controllers' actions.</summary>
[RequiresKey(KeyType.Read, Scope = "base")]
public abstract class SecuredControllerBase : ControllerBase;

[Route("api/[controller]")]
public sealed class InvoicesController : SecuredControllerBase
{
    [HttpGet] public string List() => "ok"; //= GET /api/Invoices => key[read:api,read:base]

    [HttpGet("open")] [RequiresKey(KeyType.Read, Scope = "invoices")] public string Open() => "ok"; //= GET /api/Invoices/open => key[read:invoices]
}

/// <summary>Actions declared on a base class, declared by the derived controller.</summary>
public abstract class CrudControllerBase : ControllerBase
{
    [HttpGet] public string All() => "ok"; //= GET /api/Products => key[read:api,read:products]

    [HttpGet("{id:int}")] public int One(int id) => id; //= GET /api/Products/{id:int} => key[read:api,read:products]
}

[Route("api/[controller]")]
[RequiresKey(KeyType.Read, Scope = "products")]
public sealed class ProductsController : CrudControllerBase;

/// <summary>A derived controller's [Route] replaces the inherited one (RouteAttribute is not AllowMultiple).</summary>
[Route("api/legacy")]
public abstract class LegacyControllerBase : ControllerBase
{
    [HttpGet("ping")] public string Ping() => "ok"; //= GET /api/v2/modern/ping => key[read:api,write:modern]
}

[Route("api/v2/modern")]
[RequiresKey(KeyType.Write, Scope = "modern")]
public sealed class ModernController : LegacyControllerBase
{
    [HttpGet("pong")] public string Pong() => "ok"; //= GET /api/v2/modern/pong => key[read:api,write:modern]
}
