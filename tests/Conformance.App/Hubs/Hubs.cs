using Microsoft.AspNetCore.SignalR;

namespace Declarative.Auth.Conformance.App.Hubs;

/// <summary>MapHub copies the hub class's attributes to both of its endpoints (the connection and /negotiate).</summary>
public static class HubShapes
{
    public static void MapHubShapes(this WebApplication app)
    {
        app.MapHub<AuthorizedHub>("/hubs/authorized"); //= * /hubs/authorized => authorize; * /hubs/authorized/negotiate => authorize
        app.MapHub<KeyedHub>("/hubs/keyed"); //= * /hubs/keyed => key[read:chat]; * /hubs/keyed/negotiate => key[read:chat]
        app.MapHub<PlainHub>("/hubs/fluent").RequireKey(KeyType.Write, "chat"); //= * /hubs/fluent => key[write:chat]; * /hubs/fluent/negotiate => key[write:chat]
        app.MapHub<PlainHub>("/hubs/undeclared"); //= * /hubs/undeclared => undeclared; * /hubs/undeclared/negotiate => undeclared
    }
}

[Authorize]
public sealed class AuthorizedHub : Hub;

[RequiresKey(KeyType.Read, Scope = "chat")]
public sealed class KeyedHub : Hub;

public sealed class PlainHub : Hub;
