using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>
/// Tenant isolation (issue 16 item 2): every source that names a workspace must agree, and a restricted key must
/// match every one of them; the handler never works in a workspace the key was not checked against.
/// </summary>
public sealed class WorkspaceAgreementTests
{
    private static Task<TestApp> Start() => TestApp.StartAsync(a =>
    {
        a.MapGet("/w/{workspaceId}/items", [RequiresKey(KeyType.Read, Scope = "items")][RequiresWorkspace] (HttpContext c) => c.GetWorkspace());
        a.MapGet("/items", [RequiresKey(KeyType.Read, Scope = "items")] (HttpContext c) => c.GetWorkspace() ?? "none");
    });

    private static async Task<string> Restricted(TestApp app, string workspace)
        => (await app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "r", Permissions = ["read:items"], Workspace = workspace })).Secret;

    private static HttpRequestMessage Get(string path, string? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null)
            request.Headers.Add("Workspace", header);
        return request;
    }

    [Fact]
    public async Task A_key_restricted_to_ws_a_naming_ws_a_in_the_header_cannot_reach_ws_b_by_the_route()
    {
        await using var app = await Start();
        var response = await app.Client(await Restricted(app, "ws_a")).SendAsync(Get("/w/ws_b/items", "ws_a"));
        Assert.NotEqual("ws_b", await response.Content.ReadAsStringAsync()); // the handler never ran in ws_b
        Assert.True((int)response.StatusCode is 400 or 403, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_key_restricted_to_ws_a_naming_ws_a_in_the_query_cannot_reach_ws_b_by_the_route()
    {
        await using var app = await Start();
        var response = await app.Client(await Restricted(app, "ws_a")).GetAsync("/w/ws_b/items?workspaceId=ws_a");
        Assert.True((int)response.StatusCode is 400 or 403, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task An_unrestricted_key_with_header_and_route_disagreeing_is_400_WORKSPACE_MISMATCH_naming_both()
    {
        await using var app = await Start();
        var body = await (await app.Client(app.Key("read:items")).SendAsync(Get("/w/ws_b/items", "ws_a"))).AssertRefusal(400, "WORKSPACE_MISMATCH");
        var detail = body.GetProperty("detail").GetString()!;
        Assert.Contains("'Workspace' header", detail);
        Assert.Contains("{workspaceId}", detail);
    }

    [Fact]
    public async Task Sources_that_agree_pass_and_the_handler_sees_the_one_workspace()
    {
        await using var app = await Start();
        var client = app.Client(await Restricted(app, "ws_a"));
        Assert.Equal("ws_a", await (await client.SendAsync(Get("/w/ws_a/items?workspaceId=ws_a", "ws_a"))).Content.ReadAsStringAsync());
        Assert.Equal("ws_a", await (await client.GetAsync("/w/ws_a/items")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_restricted_key_on_an_endpoint_without_workspace_still_checks_every_source()
    {
        await using var app = await Start();
        var client = app.Client(await Restricted(app, "ws_a"));
        var response = await client.GetAsync("/items?workspaceId=ws_b");
        await response.AssertRefusal(403, "FORBIDDEN");
    }
}
