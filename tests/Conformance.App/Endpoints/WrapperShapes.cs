namespace Declarative.Auth.Conformance.App.Endpoints;

/// <summary>Wrapper helpers returning the endpoint builder; their callers declare the returned builder. Tags: see MinimalShapes.</summary>
public static class WrapperShapes
{
    public static void MapWrapperShapes(this WebApplication app)
    {
        app.MapPostNamed(() => "ok", "/w/authorize").RequireAuthorization(); //= POST /w/authorize => authorize
        app.MapPostNamed(() => "ok", "/w/key").RequireKey(KeyType.Write, "wrapped"); //= POST /w/key => key[write:wrapped]
        app.MapPostNamed(() => "ok", "/w/anon").AllowAnonymous(); //= POST /w/anon => public
        app.MapPostNamed(() => "ok", "/w/undeclared"); //= POST /w/undeclared => undeclared
        app.MapPostNamed([RequiresKey(KeyType.Write, Scope = "handler")] () => "ok", "/w/handler-attr"); //= POST /w/handler-attr => key[write:handler]

        app.MapGetTagged("/w/tagged", () => "ok", "t").RequireKey(KeyType.Read, "tagged"); //= GET /w/tagged => key[read:tagged]
        app.MapGetTagged("/w/untagged", () => "ok", null).AllowAnonymous(); //= GET /w/untagged => public

        app.PostNamed(() => "ok", "/w/plain-name").RequireKey(KeyType.Write, "plain"); //= POST /w/plain-name => key[write:plain]
        app.PostNamed(() => "ok", "/w/plain-undeclared"); //= POST /w/plain-undeclared => undeclared

        // The route is the helper's own; the caller declares what it returns, or hands it a declared handler.
        app.MapFixed().RequireKey(KeyType.Read, "fixed"); //= GET /w/fixed => key[read:fixed]
        app.MapFixedHandler(FixedHandlers.Declared); //= GET /w/fixed-handler => key[read:fixed-handler]
        app.MapFixedLocal().RequireKey(KeyType.Read, "fixed-local"); //= GET /w/fixed-local => key[read:fixed-local]

        var v1 = app.MapGroup("/wv1").RequireKey(KeyType.Read, "versioned");
        v1.MapGetV1("/items", () => "ok"); //= GET /wv1/items => key[read:versioned]
        v1.PostNamed(() => "ok", "/plain-items"); //= POST /wv1/plain-items => key[read:versioned]
        v1.MapGetV1("/items-public", () => "ok").AllowAnonymous(); //= GET /wv1/items-public => public
    }

    public static RouteHandlerBuilder MapPostNamed(this IEndpointRouteBuilder builder, Delegate handler, string pattern)
        => builder.MapPost(pattern, handler).WithName("named" + pattern); //@ POST /w/authorize; POST /w/key; POST /w/anon; POST /w/undeclared; POST /w/handler-attr

    // Not named Map*: its calls are the rows all the same (found as DAUTH001 finds them, not by name).
    public static RouteHandlerBuilder PostNamed(this IEndpointRouteBuilder builder, Delegate handler, string pattern)
        => builder.MapPost(pattern, handler).WithName("plain" + pattern); //@ POST /w/plain-name; POST /w/plain-undeclared; POST /wv1/plain-items

    // Several returns of one builder (a local, once through a fluent call): the callers' chains declare it.
    public static RouteHandlerBuilder MapGetTagged(this IEndpointRouteBuilder builder, string pattern, Delegate handler, string? tag)
    {
        var endpoint = builder.MapGet(pattern, handler); //@ GET /w/tagged; GET /w/untagged
        if (tag is null)
            return endpoint;
        return endpoint.WithTags(tag);
    }

    public static RouteHandlerBuilder MapFixed(this IEndpointRouteBuilder builder)
        => builder.MapGet("/w/fixed", () => "ok"); //@ GET /w/fixed

    public static RouteHandlerBuilder MapFixedHandler(this IEndpointRouteBuilder builder, Delegate handler)
        => builder.MapGet("/w/fixed-handler", handler); //@ GET /w/fixed-handler

    // The endpoint's builder handed back through a local: the caller's chain declares it all the same.
    public static RouteHandlerBuilder MapFixedLocal(this IEndpointRouteBuilder builder)
    {
        var endpoint = builder.MapGet("/w/fixed-local", () => "ok"); //@ GET /w/fixed-local
        return endpoint.WithName("fixed-local");
    }

    public static RouteHandlerBuilder MapGetV1(this RouteGroupBuilder group, string pattern, Delegate handler)
        => group.MapGet(pattern, handler).WithTags("v1"); //@ GET /wv1/items; GET /wv1/items-public
}

public static class FixedHandlers
{
    [RequiresKey(KeyType.Read, Scope = "fixed-handler")]
    public static string Declared() => "ok";
}
