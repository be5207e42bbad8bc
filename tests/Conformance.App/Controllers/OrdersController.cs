namespace Declarative.Auth.Conformance.App.Controllers;

// Every controller also gets MapControllers().RequireKey(KeyType.Read, "api") (ConformanceHost): an outer level,
// replaced by an action's own declaration. Tags: see Endpoints/MinimalShapes.cs.

/// <summary>Class-level key, action overrides, Async suffix, [action] and [ActionName], a rooted template.</summary>
[ApiController]
[Route("api/[controller]")]
[RequiresKey(KeyType.Read, Scope = "orders")]
public sealed class OrdersController : ControllerBase
{
    [HttpGet] public string List() => "ok"; //= GET /api/Orders => key[read:api,read:orders]

    [HttpPost] [RequiresKey(KeyType.Write, Scope = "orders")] public string Create() => "ok"; //= POST /api/Orders => key[write:orders]

    [HttpGet("{id:int}")] [AllowAnonymous] public int Get(int id) => id; //= GET /api/Orders/{id:int} => public

    [HttpDelete("{id:int}")] public Task<int> DeleteAsync(int id) => Task.FromResult(id); //= DELETE /api/Orders/{id:int} => key[read:api,read:orders]

    [HttpGet("[action]")] public Task<string> SummaryAsync() => Task.FromResult("ok"); //= GET /api/Orders/Summary => key[read:api,read:orders]

    [HttpGet("[action]")] [ActionName("export")] public string Download() => "ok"; //= GET /api/Orders/export => key[read:api,read:orders]

    [HttpGet("~/api/rooted")] public string Rooted() => "ok"; //= GET /api/rooted => key[read:api,read:orders]

    [HttpGet("both")] [RequiresKey(KeyType.Read, Scope = "orders")] [RequiresKey(KeyType.Delete, Scope = "archive")] public string Both() => "ok"; //= GET /api/Orders/both => key[delete:archive,read:orders]

    [HttpGet("contradiction")] [RequiresKey(KeyType.Read, Scope = "orders")] [AllowAnonymous] public string Contradiction() => "ok"; //= GET /api/Orders/contradiction => key[read:orders]
}
