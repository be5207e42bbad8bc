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

        // ... and to its /negotiate endpoint, a row of its own.
        var negotiate = app.Single("/hubs/secure/negotiate");
        Assert.Equal(EndpointAccess.Authorize, negotiate.Access);
        Assert.Equal("MapHub", negotiate.Handler);

        Assert.Equal(EndpointAccess.Public, app.Single("/healthz").Access);
        // MapFallbackToFile's endpoint matches GET and HEAD only.
        Assert.Equal(EndpointAccess.Public, app.Single("/{*path:nonfile}", "GET", "HEAD").Access);

        // MapIdentityApi's fixed endpoints, one row each; its /manage group carries RequireAuthorization, and the
        // caller's *WhereUndeclared declaration decides only the others.
        Assert.Equal(10, app.Manifest.Endpoints.Count(e => e.Handler == "MapIdentityApi"));
        foreach (var (method, route) in new[] { ("POST", "/register"), ("POST", "/login"), ("POST", "/refresh"), ("GET", "/confirmEmail"),
            ("POST", "/resendConfirmationEmail"), ("POST", "/forgotPassword"), ("POST", "/resetPassword") })
            Assert.Equal(EndpointAccess.Public, app.Single(route, method).Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/manage/2fa", "POST").Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/manage/info", "GET").Access);
        Assert.Equal(EndpointAccess.Authorize, app.Single("/manage/info", "POST").Access);
        // A library producer whose endpoints are not known: one row per call, route unknown.
        Assert.Equal(EndpointAccess.Undeclared, app.ByHandler("MapStaticAssets").Access);
        Assert.Contains("declared where undeclared", app.Docs.Markdown);
    }

    [Fact]
    public void Identity_endpoints_take_the_callers_group_and_declarations()
    {
        var app = GeneratorHarness.Run("""
            var app = WebApplication.Create(args);
            app.MapGroup("/identity").MapIdentityApi<User>().RequireKey(KeyType.Read, "identity");
            app.Run();

            public class User { }
            """);

        Assert.Equal(["read:identity"], app.Single("/identity/register", "POST").Permissions);
        // [Authorize] on the /manage group never removes the caller's key requirement.
        Assert.Equal(["read:identity"], app.Single("/identity/manage/info", "GET").Permissions);
        Assert.DoesNotContain(app.Manifest.Endpoints, e => e.Route is null);
    }
}
