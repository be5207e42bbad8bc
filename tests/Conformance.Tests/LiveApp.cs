using System.Net.Http.Headers;
using System.Text.Json;
using Declarative.Auth.Conformance.App;
using Declarative.Auth.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>One live endpoint and the runtime's compiled policy for it: the expected value of every comparison.</summary>
internal sealed record LiveEndpoint(EndpointKey Key, Endpoint Endpoint, Requirement Policy, string Url, string Method);

/// <summary>
/// The conformance app on a TestServer, exactly as ConformanceHost wires it, plus the OpenAPI document (Declarative.Auth's
/// transformer) served at an address outside the shapes.
/// </summary>
internal sealed class LiveApp : IAsyncDisposable
{
    public const string OpenApiRoute = "/conformance-openapi/{documentName}.json";

    private readonly WebApplication _app;

    private LiveApp(WebApplication app, IReadOnlyList<LiveEndpoint> endpoints, IReadOnlySet<(string Method, string Path)> described)
    {
        _app = app;
        Endpoints = endpoints;
        Described = described;
    }

    /// <summary>Every endpoint of the app (the suite's own OpenAPI endpoint left out).</summary>
    public IReadOnlyList<LiveEndpoint> Endpoints { get; }

    /// <summary>(METHOD, normalized path) of every endpoint ASP.NET Core's ApiExplorer describes, so OpenAPI must list.</summary>
    public IReadOnlySet<(string Method, string Path)> Described { get; }

    public static async Task<LiveApp> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        ConformanceHost.AddServices(builder.Services);
        builder.Services.Configure<DeclarativeAuthOptions>(o =>
        {
            o.RateLimits.Enabled = false; // the probes send hundreds of requests, many of them refused
            o.RateLimits.FailedAttemptsPerMinute = int.MaxValue;
        });
        builder.Services.AddOpenApi(o => o.AddDeclarativeAuth());
        var app = builder.Build();
        // A handler that throws (an Identity endpoint reaching the empty user store) answers 500, not an exception in the test.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        });
        ConformanceHost.UsePipeline(app);
        ConformanceHost.MapEndpoints(app);
        app.MapOpenApi(OpenApiRoute).AllowAnonymous();
        await app.StartAsync();

        var state = app.Services.GetRequiredService<DeclarativeAuthState>();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != OpenApiRoute)
            .Select(e =>
            {
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                var key = EndpointKey.Of(methods, e.RoutePattern.RawText);
                return new LiveEndpoint(key, e, Requirement.From(state.PolicyFor(e)), Url(e.RoutePattern.RawText ?? "/"), methods is { Count: > 0 } ? methods[0] : "GET");
            })
            .ToArray();
        var described = app.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .Select(d => ((d.HttpMethod ?? "").ToUpperInvariant(), EndpointKey.Normalize(d.RelativePath)))
            .ToHashSet();
        return new LiveApp(app, endpoints, described);
    }

    public async Task<JsonDocument> OpenApiAsync()
    {
        using var client = _app.GetTestClient();
        var response = await client.GetAsync(OpenApiRoute.Replace("{documentName}", "v1", StringComparison.Ordinal));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"The OpenAPI document: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>Adds a key holding exactly <paramref name="permissions"/>; returns its secret.</summary>
    public string Key(IEnumerable<string> permissions)
    {
        var list = permissions.ToArray();
        var secret = _app.Services.GetRequiredService<ApiKeyFormat>().Generate();
        _app.Services.GetRequiredService<InMemoryApiKeyStore>().Add("conformance[" + string.Join(",", list) + "]", secret, list);
        return secret;
    }

    public async Task<int> StatusAsync(LiveEndpoint endpoint, string? key)
    {
        using var client = _app.GetTestClient();
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url);
        // A JSON body: endpoints that accept one (Identity's) do not match a request without it, and the fallback would answer.
        if (endpoint.Method is not ("GET" or "HEAD" or "DELETE"))
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>A URL that matches <paramref name="template"/>: every parameter gets "1".</summary>
    private static string Url(string template)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]*\}", "1");
        return "/" + path.TrimStart('~').TrimStart('/');
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
