namespace Declarative.Auth.Conformance.App.Endpoints;

/// <summary>Route groups: declared, nested three deep, public, bare, delegated to [Authorize]. Tags: see MinimalShapes.</summary>
public static class GroupShapes
{
    public static void MapGroupShapes(this WebApplication app)
    {
        var groups = app.MapGroup("/g").RequireKey(KeyType.Read, "groups");
        groups.MapGet("/plain", () => "ok"); //= GET /g/plain => key[read:groups]
        groups.MapPost("/own-attr", [RequiresKey(KeyType.Delete, Scope = "groups")] () => "ok"); //= POST /g/own-attr => key[delete:groups]
        groups.MapGet("/fluent-adds", () => "ok").RequireKey(KeyType.Write, "beta"); //= GET /g/fluent-adds => key[read:groups,write:beta]
        groups.MapGet("/anon", () => "ok").AllowAnonymous(); //= GET /g/anon => public

        var inner = groups.MapGroup("/inner").RequireKey(KeyType.Read, "inner");
        inner.MapGet("/x", () => "ok"); //= GET /g/inner/x => key[read:groups,read:inner]
        inner.MapGet("/y", [RequiresKey(KeyType.Delete, Scope = "inner")] () => "ok"); //= GET /g/inner/y => key[delete:inner]
        inner.MapPost("/z", () => "ok").RequireKey(KeyType.Write, "gamma"); //= POST /g/inner/z => key[read:groups,read:inner,write:gamma]

        var deep = inner.MapGroup("/deep");
        deep.MapGet("/d", () => "ok"); //= GET /g/inner/deep/d => key[read:groups,read:inner]
        deep.MapGet("/public", [AllowAnonymous] () => "ok"); //= GET /g/inner/deep/public => public

        var open = groups.MapGroup("/open").AllowAnonymous();
        open.MapGet("/a", () => "ok"); //= GET /g/open/a => public
        open.MapGet("/b", () => "ok").RequireKey(KeyType.Read, "beta"); //= GET /g/open/b => key[read:beta]

        var bare = app.MapGroup("/bare");
        bare.MapGet("/u", () => "ok"); //= GET /bare/u => undeclared
        bare.MapGet("/k", () => "ok").RequireKey(KeyType.Read, "alpha"); //= GET /bare/k => key[read:alpha]
        bare.MapGroup("/nested").MapGet("/u", () => "ok"); //= GET /bare/nested/u => undeclared

        var delegated = app.MapGroup("/authz").RequireAuthorization();
        delegated.MapGet("/a", () => "ok"); //= GET /authz/a => authorize
        delegated.MapGet("/k", () => "ok").RequireKey(KeyType.Read, "alpha"); //= GET /authz/k => key[read:alpha]

        app.MapGroup("/chain").RequireKey(KeyType.Read, "alpha").MapGet("/c", () => "ok"); //= GET /chain/c => key[read:alpha]
        app.MapGroup("/outer-key").RequireKey(KeyType.Write, "outer").MapGroup("/mid").RequireKey(KeyType.Read, "mid").MapGroup("/leaf").MapDelete("/x", () => "ok"); //= DELETE /outer-key/mid/leaf/x => key[read:mid,write:outer]
    }
}
