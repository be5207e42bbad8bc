using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// What the verifier keeps for one HTTP/1.x connection, in the connection's own items (nothing global, nothing that
/// outlives the connection). Its requests come one at a time, so one slot serves them all; HTTP/2 streams share a
/// connection concurrently and get none.
/// <list type="bullet">
/// <item>Kestrel hands every request on a keep-alive connection the same string for an Authorization header whose
/// bytes repeat. The slot keeps the last header string the verifier saw through to a cached key, with the cache
/// entry that answered it: the same string again skips the format check, the SHA-256 and the lookup for as long as
/// that entry is what the cache would still serve. Identity, not content, is compared: no secret is copied or
/// compared here.</item>
/// <item>The request's user feature, reset for each request (ASP.NET Core reuses the HttpContext of a connection the
/// same way), so signing a key in allocates nothing until the request reads <c>HttpContext.User</c>.</item>
/// </list>
/// </summary>
internal sealed class ConnectionSlot
{
    private static readonly object ItemKey = new();

    public string? Header;
    public CachingApiKeyStore.Entry? Entry;
    public readonly KeyUserFeature User = new();

    public static ConnectionSlot? Of(HttpContext context, bool create)
    {
        var protocol = context.Request.Protocol;
        if (!HttpProtocol.IsHttp11(protocol) && !HttpProtocol.IsHttp10(protocol)
            || context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
            return null;
        if (items.TryGetValue(ItemKey, out var found))
            return found as ConnectionSlot;
        if (!create)
            return null;
        var slot = new ConnectionSlot();
        items[ItemKey] = slot;
        return slot;
    }
}
