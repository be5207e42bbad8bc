namespace Declarative.Auth.Conformance.App.Endpoints;

/// <summary>
/// Auth metadata added through a convention, <c>builder.Add(e => e.Metadata.Add(new AuthorizeAttribute()))</c>, as
/// RequireAuthorization does inside: directly, or in a generic helper (flowsynx/flowsynx's RequirePermissions shape).
/// Tags: see MinimalShapes.
/// </summary>
public static class ConventionShapes
{
    public static void MapConventionShapes(this WebApplication app)
    {
        app.MapGet("/conv/policies", () => "ok").WithName("conv-policies").RequirePolicies(ConformanceHost.SignedInPolicy); //= GET /conv/policies => authorize
        app.MapGet("/conv/policy", () => "ok").RequirePolicy(ConformanceHost.SignedInPolicy); //= GET /conv/policy => authorize
        app.MapGroup("/conv-group").RequirePolicies(ConformanceHost.SignedInPolicy).MapGet("/g", () => "ok"); //= GET /conv-group/g => authorize
        app.MapGet("/conv/public", () => "ok").Public(); //= GET /conv/public => public
        app.MapGet("/conv/key", () => "ok").Keyed(); //= GET /conv/key => key[read:conv]
        app.MapGet("/conv/described", () => "ok").Described(); //= GET /conv/described => undeclared
        var direct = app.MapGet("/conv/direct", () => "ok"); //= GET /conv/direct => authorize
        direct.Add(endpoint => endpoint.Metadata.Add(new AuthorizeAttribute()));
    }

    public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
        => builder.RequirePolicies(policy);

    public static TBuilder RequirePolicies<TBuilder>(this TBuilder builder, params string[] policies) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            foreach (var policy in policies)
                endpoint.Metadata.Add(new AuthorizeAttribute { Policy = policy });
        });
        return builder;
    }

    public static TBuilder Public<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new AllowAnonymousAttribute()));
        return builder;
    }

    public static TBuilder Keyed<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new RequiresKeyAttribute(KeyType.Read) { Scope = "conv" }));
        return builder;
    }

    // Metadata that is no auth declaration: the endpoint stays undeclared.
    public static TBuilder Described<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new EndpointDescriptionAttribute("described")));
        return builder;
    }
}
