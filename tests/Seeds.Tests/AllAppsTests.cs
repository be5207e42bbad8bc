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

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/").ToArray();
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

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
