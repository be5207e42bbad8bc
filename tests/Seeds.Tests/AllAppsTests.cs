using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>What holds for every app: nothing but <c>GET /</c> answers without a key, and it shows no secret.</summary>
public sealed partial class AllAppsTests
{
    public static TheoryData<string> Apps => ["krenalis", "kaneo", "kener", "flokit"];

    private static SeedFactory Start(string app) => app switch
    {
        "krenalis" => new KrenalisFactory(),
        "kaneo" => new KaneoFactory(),
        "kener" => new KenerFactory(),
        _ => new FloKitFactory(),
    };

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task Every_endpoint_but_the_root_refuses_a_request_without_a_key(string app)
    {
        await using var factory = Start(app);
        var client = factory.Client();
        var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.DoesNotContain($"{app}_test_", await root.BodyAsync());

        // The key console's page and assets are public and hold no data (every call they make needs an admin key).
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/" && !e.RoutePattern.RawText!.StartsWith(ConsolePath, StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = RouteParameter().Replace(endpoint.RoutePattern.RawText!, "x");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                // The organizations API is disabled (404) unless KRENALIS_ORGANIZATIONS_KEY is set.
                var disabled = endpoint.Metadata.GetMetadata<IRequiresOrganizationsKeyMetadata>() is not null
                               && Environment.GetEnvironmentVariable("KRENALIS_ORGANIZATIONS_KEY") is null;
                var expected = disabled ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized;
                Assert.True(response.StatusCode == expected, $"{app}: {method} {path} answered {(int)response.StatusCode}");
            }
        }
    }

    private const string ConsolePath = "/settings/api-keys";

    /// <summary>Issue 18.10: every seed has a Settings > API keys page, the key console over its management API.</summary>
    [Theory]
    [MemberData(nameof(Apps))]
    public async Task Every_app_serves_the_key_console_over_its_management_API(string app)
    {
        await using var factory = Start(app);
        var page = await factory.Client().GetAsync(ConsolePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Header("Content-Security-Policy"));
        var html = await page.BodyAsync();
        var management = System.Text.RegularExpressions.Regex.Match(html, "name=\"dauth-management\" content=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("/", management);

        // The catalog the page reads is there, for admin keys only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Client().GetAsync(management + "/catalog")).StatusCode);
        var admin = await factory.KeyAsync(new CreateApiKeyRequest { Name = "console-admin", Permissions = ["admin"], Workspace = "ws_console" });
        var catalog = await factory.Client(admin).GetAsync(management + "/catalog");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(admin).GetAsync(management)).StatusCode);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
