namespace Declarative.Auth.Conformance.App.Endpoints;

// Shape tags, read by the suite: "//= METHODS ROUTE => EXPECTED" names an endpoint declared on that line and what
// ASP.NET Core semantics plus the README's rules make it require; "//@ METHODS ROUTE" marks another line that
// belongs to it (where DAUTH001 may point). EXPECTED: key[p1,p2] (all of them; [] = any valid key), public,
// authorize (left to ASP.NET Core authorization), undeclared (refused), organizations.

/// <summary>Minimal-API handlers: attributes, fluent calls, method groups, several methods.</summary>
public static class MinimalShapes
{
    public static void MapMinimalShapes(this WebApplication app)
    {
        app.MapGet("/m/attr", [RequiresKey(KeyType.Read, Scope = "alpha")] () => "ok"); //= GET /m/attr => key[read:alpha]
        app.MapPost("/m/fluent", () => "ok").RequireKey(KeyType.Write, "alpha"); //= POST /m/fluent => key[write:alpha]
        app.MapGet("/m/public-fluent", () => "ok").AllowAnonymous(); //= GET /m/public-fluent => public
        app.MapGet("/m/public-attr", [AllowAnonymous] () => "ok"); //= GET /m/public-attr => public
        app.MapGet("/m/undeclared", () => "ok"); //= GET /m/undeclared => undeclared
        app.MapGet("/m/admin", () => "ok").RequireKey(KeyType.Admin); //= GET /m/admin => key[admin]
        app.MapGet("/m/multi-attr", [RequiresKey(KeyType.Read, Scope = "alpha")] [RequiresKey(KeyType.Write, Scope = "beta")] () => "ok"); //= GET /m/multi-attr => key[read:alpha,write:beta]
        app.MapGet("/m/multi-fluent", () => "ok").RequireKey(KeyType.Read, "alpha").RequireKey(KeyType.Delete, "gamma"); //= GET /m/multi-fluent => key[delete:gamma,read:alpha]
        app.MapGet("/m/any-key", () => "ok").RequireAnyKey(); //= GET /m/any-key => key[]
        app.MapGet("/m/authorize", () => "ok").RequireAuthorization(); //= GET /m/authorize => authorize
        app.MapGet("/m/authorize-attr", [Authorize] () => "ok"); //= GET /m/authorize-attr => authorize
        app.MapGet("/m/method-group", Handlers.Keyed); //= GET /m/method-group => key[read:beta]
        app.MapGet("/m/method-group-public", Handlers.Open); //= GET /m/method-group-public => public
        app.MapGet("/m/method-group-async", Handlers.KeyedAsync); //= GET /m/method-group-async => key[delete:beta]
        app.MapGet("/m/attr-over-fluent", [RequiresKey(KeyType.Read, Scope = "alpha")] () => "ok").RequireKey(KeyType.Write, "beta"); //= GET /m/attr-over-fluent => key[read:alpha]
        app.MapGet("/m/anon-attr-over-fluent", [AllowAnonymous] () => "ok").RequireKey(KeyType.Write, "beta"); //= GET /m/anon-attr-over-fluent => public
        app.MapGet("/m/key-and-anon", [RequiresKey(KeyType.Read, Scope = "alpha")] [AllowAnonymous] () => "ok"); //= GET /m/key-and-anon => key[read:alpha]
        app.MapGet("/m/key-after-anon", () => "ok").AllowAnonymous().RequireKey(KeyType.Read, "gamma"); //= GET /m/key-after-anon => key[read:gamma]
        app.MapGet("/m/authorize-and-key", () => "ok").RequireAuthorization().RequireKey(KeyType.Read, "gamma"); //= GET /m/authorize-and-key => key[read:gamma]
        app.MapGet("/m/or-authorization", () => "ok").RequireKey(KeyType.Read, "alpha").OrAuthorization(); //= GET /m/or-authorization => key[read:alpha]
        app.MapGet("/m/or-authorization-attr", [RequiresKey(KeyType.Read, Scope = "alpha")] [OrAuthorization(Policy = ConformanceHost.StaffPolicy)] () => "ok"); //= GET /m/or-authorization-attr => key[read:alpha]
        app.MapGet("/m/organizations", () => "ok").RequireOrganizationsKey(); //= GET /m/organizations => organizations
        app.MapMethods("/m/methods", ["GET", "PUT"], () => "ok").RequireKey(KeyType.Write, "beta"); //= GET,PUT /m/methods => key[write:beta]
        app.MapDelete("/m/delete", () => "ok").RequireKey(KeyType.Delete, "alpha"); //= DELETE /m/delete => key[delete:alpha]
        app.MapPatch("/m/patch", [RequiresKey(KeyType.Write, Scope = "gamma")] () => "ok"); //= PATCH /m/patch => key[write:gamma]
        app.MapPut("/m/put/{id:int}", (int id) => id).RequireKey(KeyType.Write, "alpha"); //= PUT /m/put/{id:int} => key[write:alpha]
        app.Map("/m/any-method", () => "ok").RequireKey(KeyType.Read, "gamma"); //= * /m/any-method => key[read:gamma]
        app.MapPost("/m/events", () => "ok").RequireKey(KeyType.Write, "events").AcceptEventWriteKeys(); //= POST /m/events => key[write:events]
    }
}

/// <summary>Handlers passed as method groups: their own attributes are the declaration.</summary>
public static class Handlers
{
    [RequiresKey(KeyType.Read, Scope = "beta")]
    public static string Keyed() => "ok"; //@ GET /m/method-group

    [AllowAnonymous]
    public static string Open() => "ok";

    [RequiresKey(KeyType.Delete, Scope = "beta")]
    public static Task<string> KeyedAsync() => Task.FromResult("ok");
}
