namespace Declarative.Auth.Generator.Tests;

/// <summary>Every endpoint producer DAUTH001 knows is a row of the table: hubs, health checks, fallbacks, libraries.</summary>
public class ProducerTests
{
    private const string Program = """
        var app = WebApplication.Create(args);
        app.MapHub<SecureHub>("/hubs/secure");
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapFallbackToFile("index.html").AllowAnonymous();
        app.MapIdentityApi<User>().AllowAnonymousWhereUndeclared();
        app.MapStaticAssets();
        app.Run();

        [Authorize]
        public class SecureHub : Microsoft.AspNetCore.SignalR.Hub { }

        public class User { }
        """;

    [Fact]
    public void Hubs_health_checks_fallbacks_and_library_producers_are_rows()
    {
        var app = GeneratorHarness.Run(Program);

        // MapHub copies the hub class's [Authorize] to its endpoints.
        var hub = app.Single("/hubs/secure");
        Assert.Equal(EndpointAccess.Authorize, hub.Access);
        Assert.Equal("MapHub", hub.Handler);

        Assert.Equal(EndpointAccess.Public, app.Single("/healthz").Access);
        Assert.Equal(EndpointAccess.Public, app.Single("/{*path:nonfile}").Access);

        // A library's endpoints: one row per call, route unknown, declared only where the library left them undeclared.
        var identity = app.ByHandler("MapIdentityApi");
        Assert.Null(identity.Route);
        Assert.Equal(EndpointAccess.Public, identity.Access);
        Assert.Equal(EndpointAccess.Undeclared, app.ByHandler("MapStaticAssets").Access);
        Assert.Contains("declared where undeclared", app.Docs.Markdown);
    }
}
