using System.Text.Json;
using Declarative.Auth.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Docs.Tests;

[ApiController, Route("v1/reports"), RequiresKey(KeyType.Read, Scope = "reports")]
public sealed class OpenApiReportsController : ControllerBase
{
    [HttpGet] public string List() => "list";

    // The action's own requirement replaces the class's: the runtime does not ask for read:reports here.
    [HttpPost, RequiresKey(KeyType.Write, Scope = "exports")] public string Export() => "ok";
}

[ApiController, Route("v1/plain")]
public sealed class OpenApiPlainController : ControllerBase
{
    [HttpGet] public string Get() => "plain";
}

[ApiController, Route("v1/open"), AllowAnonymous]
public sealed class OpenApiOpenController : ControllerBase
{
    // [AllowAnonymous] on the class beats [Authorize] on the action (ASP.NET Core): public.
#pragma warning disable ASP0026 // the shape under test: ASP.NET Core itself warns that the class's [AllowAnonymous] wins
    [HttpGet, Authorize(Policy = "staff")] public string Get() => "open";
#pragma warning restore ASP0026
}

/// <summary>The OpenAPI operations describe the policy the runtime compiles (one precedence rule), controllers included.</summary>
public class OpenApiPrecedenceTests
{
    private static async Task<JsonDocument> DocumentAsync(bool convention = true)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddControllers().AddApplicationPart(typeof(OpenApiReportsController).Assembly);
        builder.Services.AddAuthorization(o => o.AddPolicy("staff", p => p.RequireAuthenticatedUser()));
        builder.Services.AddOpenApi(o => o.AddDeclarativeAuth());
        await using var app = builder.Build();
        app.MapOpenApi().AllowAnonymous();
        var controllers = app.MapControllers();
        if (convention)
            controllers.RequireKey(KeyType.Read, "everything");
        app.MapGet("/v1/either", () => "ok").RequireKey(KeyType.Read, "todos").OrAuthorization();
        await app.StartAsync();
        using var client = app.GetTestClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Operation(JsonDocument document, string path, string method)
        => document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string[] Permissions(JsonElement operation)
        => operation.GetProperty("x-required-permissions").EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task An_actions_own_RequiresKey_replaces_the_class_and_MapControllers_conventions()
    {
        using var document = await DocumentAsync();
        Assert.Equal(["write:exports"], Permissions(Operation(document, "/v1/reports", "post")));
        Assert.Equal(["read:everything", "read:reports"], Permissions(Operation(document, "/v1/reports", "get")));
    }

    [Fact]
    public async Task MapControllers_RequireKey_reaches_the_operations()
        => Assert.Equal(["read:everything"], Permissions(Operation(await DocumentAsync(), "/v1/plain", "get")));

    [Fact]
    public async Task AllowAnonymous_class_with_Authorize_action_is_public()
        => Assert.Equal(0, Operation(await DocumentAsync(convention: false), "/v1/open", "get").GetProperty("security").GetArrayLength());

    [Fact]
    public async Task OrAuthorization_is_named_on_the_operation()
    {
        using var document = await DocumentAsync();
        var operation = Operation(document, "/v1/either", "get");
        Assert.Equal(["read:todos"], Permissions(operation));
        Assert.Equal("default", operation.GetProperty("x-or-authorization").GetString());
    }
}
