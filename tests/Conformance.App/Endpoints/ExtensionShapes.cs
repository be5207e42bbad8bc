namespace Declarative.Auth.Conformance.App.Endpoints;

/// <summary>Endpoints mapped in extension methods on declared groups, and on groups helper methods return. Tags: see MinimalShapes.</summary>
public static class ExtensionShapes
{
    public static void MapExtensionShapes(this WebApplication app)
    {
        app.MapGroup("/reports").RequireKey(KeyType.Read, "reports").MapReports(); //@ GET /reports/daily; POST /reports/run
        app.MapGroup("/chained-reports").MapReports().RequireKey(KeyType.Read, "reports"); //@ GET /chained-reports/daily; POST /chained-reports/run
        app.MapGroup("/branchy").MapBranchy(tagged: true).RequireKey(KeyType.Read, "branchy"); //@ GET /branchy/b
        app.MapGroup("/branchy-open").MapBranchy(tagged: false).AllowAnonymous(); //@ GET /branchy-open/b
        app.MapGroup("/registered").RequireKey(KeyType.Read, "registered").Register(); //@ GET /registered/r
        app.MapGroup("/audited").RequireKey(KeyType.Read, "audit").MapAudit(); //@ GET /audited/audit/log
        app.MapGroup("/open-audit").AllowAnonymous().MapAudit(); //@ GET /open-audit/audit/log
        app.MapGroup("/bare-audit").MapAudit(); //@ GET /bare-audit/audit/log
        app.MapOwnGroup().RequireKey(KeyType.Read, "own"); //@ GET /own/o
        app.MapOwnGroupBeside().RequireKey(KeyType.Read, "own"); //@ GET /own-beside/o; GET /beside-own
        app.MapGroup("/inner").RequireKey(KeyType.Read, "inner").MapInner(); //@ GET /inner/i
        app.MapGroup("/bare-inner").MapInner(); //@ GET /bare-inner/i

        var admin = AdminGroup(app);
        admin.MapGet("/stats", () => "ok"); //= GET /helper/stats => key[admin]
        admin.MapDelete("/cache", () => "ok").RequireKey(KeyType.Delete, "cache"); //= DELETE /helper/cache => key[admin,delete:cache]
        PlainGroup(app).MapGet("/p", () => "ok"); //= GET /plain-helper/p => undeclared
        PlainGroup(app, "/plain-helper2").MapGet("/q", () => "ok").AllowAnonymous(); //= GET /plain-helper2/q => public
        NestedHelper(AdminGroup(app, "/helper2")).MapGet("/n", () => "ok"); //= GET /helper2/nested/n => key[admin,read:nested]
    }

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder group)
    {
        group.MapGet("/daily", () => "ok"); //= GET /reports/daily => key[read:reports]; GET /chained-reports/daily => key[read:reports]
        group.MapPost("/run", () => "ok").RequireKey(KeyType.Delete, "reports"); //= POST /reports/run => key[delete:reports,read:reports]; POST /chained-reports/run => key[delete:reports,read:reports]
        return group;
    }

    // Several returns, each the group it was given (one through a fluent call): the caller's chain declares that group.
    public static RouteGroupBuilder MapBranchy(this RouteGroupBuilder group, bool tagged)
    {
        group.MapGet("/b", () => "ok"); //= GET /branchy/b => key[read:branchy]; GET /branchy-open/b => public
        if (tagged)
            return group.WithTags("branchy");
        return group;
    }

    // Makes its own group, maps on it and hands it back: what the caller chains on the result declares the group.
    public static RouteGroupBuilder MapOwnGroup(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/own");
        group.MapGet("/o", () => "ok"); //= GET /own/o => key[read:own]
        return group;
    }

    // Also maps on the builder it is given: the caller's chain declares the group it returns, not that builder's endpoints.
    public static RouteGroupBuilder MapOwnGroupBeside(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/own-beside");
        group.MapGet("/o", () => "ok"); //= GET /own-beside/o => key[read:own]
        routes.MapGet("/beside-own", () => "ok").RequireKey(KeyType.Read, "beside"); //= GET /beside-own => key[read:beside]
        return group;
    }

    // Named neither Map* nor *Endpoint*/*Route*: its callers are found all the same.
    public static void Register(this RouteGroupBuilder group)
        => group.MapGet("/r", () => "ok"); //= GET /registered/r => key[read:registered]

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/audit/log", () => "ok"); //= GET /audited/audit/log => key[read:audit]; GET /open-audit/audit/log => public; GET /bare-audit/audit/log => undeclared
        return routes;
    }

    // Maps in a local function on the group its helper is given: the helper's callers declare it.
    public static void MapInner(this RouteGroupBuilder group)
    {
        Inner();
        void Inner() => group.MapGet("/i", () => "ok"); //= GET /inner/i => key[read:inner]; GET /bare-inner/i => undeclared
    }

    private static RouteGroupBuilder AdminGroup(IEndpointRouteBuilder routes, string prefix = "/helper")
        => routes.MapGroup(prefix).RequireKey(KeyType.Admin);

    private static RouteGroupBuilder PlainGroup(IEndpointRouteBuilder routes, string prefix = "/plain-helper")
        => routes.MapGroup(prefix);

    private static RouteGroupBuilder NestedHelper(RouteGroupBuilder parent)
        => parent.MapGroup("/nested").RequireKey(KeyType.Read, "nested");
}
