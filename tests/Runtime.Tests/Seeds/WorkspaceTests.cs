using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Krenalis (header) and Kaneo (query) workspaces, and restricted keys.</summary>
public sealed class WorkspaceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        app =>
        {
            app.MapGet("/v1/connections", [RequiresKey(KeyType.Read, Scope = "connections")][RequiresWorkspace] (HttpContext c) => c.GetWorkspace());
            app.MapGet("/workspaces/{workspaceId}/tasks", [RequiresKey(KeyType.Read, Scope = "connections")][RequiresWorkspace] (HttpContext c) => c.GetWorkspace());
            app.MapGet("/v1/account", [RequiresKey(KeyType.Read, Scope = "connections")] (HttpContext c) => c.GetWorkspace() ?? "none");
        },
        o => o.Workspace.FromHeader("Krenalis-Workspace").FromQuery("workspaceId").FromRoute("workspaceId"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> Restricted(string workspace)
        => (await _app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "r", Permissions = ["read:connections"], Workspace = workspace })).Secret;

    private static HttpRequestMessage Get(string path, string? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null)
            request.Headers.Add("Krenalis-Workspace", header);
        return request;
    }

    [Fact]
    public async Task Unrestricted_key_passes_the_workspace_in_the_header_and_the_handler_sees_it()
    {
        var response = await _app.Client(_app.Key("read:connections")).SendAsync(Get("/v1/connections", "ws_a"));
        Assert.Equal("ws_a", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_source_works_alone_and_two_that_disagree_are_400()
    {
        var client = _app.Client(_app.Key("read:connections"));
        // No source wins over another (issue 16 item 2): see Pipeline/WorkspaceAgreementTests.
        await (await client.SendAsync(Get("/v1/connections?workspaceId=ws_q", "ws_h"))).AssertRefusal(400, "WORKSPACE_MISMATCH");
        Assert.Equal("ws_h", await (await client.SendAsync(Get("/v1/connections", "ws_h"))).Content.ReadAsStringAsync());
        Assert.Equal("ws_q", await (await client.GetAsync("/v1/connections?workspaceId=ws_q")).Content.ReadAsStringAsync());
        Assert.Equal("ws_r", await (await client.GetAsync("/workspaces/ws_r/tasks")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unrestricted_key_without_a_workspace_is_400_saying_how_to_pass_it()
    {
        var body = await (await _app.Client(_app.Key("read:connections")).GetAsync("/v1/connections")).AssertRefusal(400, "WORKSPACE_REQUIRED");
        var detail = body.GetProperty("detail").GetString();
        Assert.Contains("'Krenalis-Workspace' header", detail);
        Assert.Contains("'workspaceId' query parameter", detail);
    }

    [Fact]
    public async Task Restricted_key_needs_no_header()
    {
        var response = await _app.Client(await Restricted("ws_a")).GetAsync("/v1/connections");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ws_a", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Restricted_key_with_its_own_workspace_is_200()
        => Assert.Equal(HttpStatusCode.OK, (await _app.Client(await Restricted("ws_a")).SendAsync(Get("/v1/connections", "ws_a"))).StatusCode);

    [Fact]
    public async Task Restricted_key_naming_another_workspace_is_403_saying_so()
    {
        var client = _app.Client(await Restricted("ws_a"));
        var body = await (await client.SendAsync(Get("/v1/connections", "ws_b"))).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("restricted to workspace 'ws_a'", body.GetProperty("detail").GetString());
        await (await client.GetAsync("/workspaces/ws_b/tasks")).AssertRefusal(403, "FORBIDDEN");
        // even on an endpoint that is not workspace-scoped, naming another workspace is refused
        await (await client.SendAsync(Get("/v1/account", "ws_b"))).AssertRefusal(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Repeated_or_empty_workspace_values_are_400()
    {
        var client = _app.Client(_app.Key("read:connections"));
        await (await client.GetAsync("/v1/connections?workspaceId=a&workspaceId=b")).AssertRefusal(400, "WORKSPACE_REQUIRED");
        await (await client.GetAsync("/v1/connections?workspaceId=")).AssertRefusal(400, "WORKSPACE_REQUIRED");
    }
}
