using System.Text.Json;
using Declarative.Auth.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Docs.Tests;

/// <summary>The OpenAPI document of a small app served by TestServer: scheme, per-operation security, permissions, responses.</summary>
public class OpenApiTests
{
    private static async Task<JsonDocument> DocumentAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddOpenApi(o => o.AddDeclarativeAuth());
        await using var app = builder.Build();
        app.MapOpenApi().AllowAnonymous();
        app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
        var group = app.MapGroup("/v1/incidents").RequireKey(KeyType.Read, "incidents");
        group.MapGet("/", () => "list");
        group.MapPost("/", [RequiresKey(KeyType.Write, Scope = "incidents")] () => "created");
        app.MapPost("/v1/events", () => "ok").AcceptEventWriteKeys();
        app.MapGet("/v1/organizations", () => "orgs").RequireOrganizationsKey();
        app.MapGet("/health", () => "ok").AllowAnonymous();
        app.MapGet("/status", [Microsoft.AspNetCore.Authorization.AllowAnonymous] () => "ok");
        await app.StartAsync();
        using var client = app.GetTestClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Operation(JsonDocument document, string path, string method)
        => document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string[] Strings(JsonElement element)
        => element.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task The_document_carries_the_bearer_scheme()
    {
        using var document = await DocumentAsync();
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains("<live|test>", scheme.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Each_operation_carries_its_security_permissions_and_error_responses()
    {
        using var document = await DocumentAsync();

        var monitors = Operation(document, "/v1/monitors", "get");
        Assert.Equal("[{\"ApiKey\":[]}]", monitors.GetProperty("security").GetRawText().Replace(" ", "").Replace("\n", "").Replace("\r", ""));
        Assert.Equal(["read:monitors"], Strings(monitors.GetProperty("x-required-permissions")));
        Assert.Equal(["apiKey"], Strings(monitors.GetProperty("x-key-kinds")));
        var responses = monitors.GetProperty("responses");
        Assert.Contains("UNAUTHORIZED", responses.GetProperty("401").GetProperty("description").GetString());
        Assert.Contains("KEY_EXPIRED", responses.GetProperty("401").GetProperty("description").GetString());
        Assert.Contains("FORBIDDEN", responses.GetProperty("403").GetProperty("description").GetString());
        Assert.Contains("read:monitors", responses.GetProperty("403").GetProperty("description").GetString());
        Assert.Contains("RATE_LIMITED", responses.GetProperty("429").GetProperty("description").GetString());

        // A group's requirement, and a handler's own attribute replacing it (as the runtime decides).
        Assert.Equal(["read:incidents"], Strings(Operation(document, "/v1/incidents", "get").GetProperty("x-required-permissions")));
        Assert.Equal(["write:incidents"], Strings(Operation(document, "/v1/incidents", "post").GetProperty("x-required-permissions")));

        Assert.Equal(["eventWriteKey"], Strings(Operation(document, "/v1/events", "post").GetProperty("x-key-kinds")));
        Assert.Equal(["organizationsKey"], Strings(Operation(document, "/v1/organizations", "get").GetProperty("x-key-kinds")));
    }

    [Fact]
    public async Task Public_operations_get_an_empty_security_array()
    {
        using var document = await DocumentAsync();
        foreach (var path in new[] { "/health", "/status" })
        {
            var operation = Operation(document, path, "get");
            Assert.Equal(JsonValueKind.Array, operation.GetProperty("security").ValueKind);
            Assert.Equal(0, operation.GetProperty("security").GetArrayLength());
            Assert.False(operation.TryGetProperty("x-required-permissions", out _));
            Assert.False(operation.GetProperty("responses").TryGetProperty("401", out _));
        }
    }
}
