using Declarative.Auth.Conformance.App.Endpoints;
using Declarative.Auth.Conformance.App.Hubs;
using Microsoft.AspNetCore.Identity;

namespace Declarative.Auth.Conformance.App;

/// <summary>Services, pipeline and endpoints of the conformance app, shared by Program.cs and the suite's TestServer.</summary>
public static class ConformanceHost
{
    /// <summary>The policy named by the <c>[Authorize(Policy)]</c> and <c>[OrAuthorization(Policy)]</c> shapes.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>A policy any authenticated caller meets, for shapes naming a policy by hand (ConventionShapes).</summary>
    public const string SignedInPolicy = "signed-in";

    public static void AddServices(IServiceCollection services)
    {
        services.AddControllers().AddApplicationPart(typeof(ConformanceHost).Assembly);
        services.AddSignalR();
        services.AddHealthChecks();
        services.AddAuthorization(o =>
        {
            o.AddPolicy(StaffPolicy, p => p.RequireClaim("staff"));
            o.AddPolicy(SignedInPolicy, p => p.RequireAuthenticatedUser());
        });
        services.AddIdentityApiEndpoints<IdentityUser>().AddUserStore<NoUserStore>();
        services.AddDeclarativeAuth().UseInMemoryStore();
    }

    public static void UsePipeline(WebApplication app)
    {
        app.UseDeclarativeAuth();
        app.UseAuthorization();
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.MapMinimalShapes();
        app.MapGroupShapes();
        app.MapExtensionShapes();
        app.MapWrapperShapes();
        app.MapProducerShapes();
        app.MapHubShapes();
        app.MapConventionShapes();
        app.MapControllers().RequireKey(KeyType.Read, "api"); // [S-controllers]
    }
}
