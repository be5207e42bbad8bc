using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>The Kaneo authentication page, replayed against <c>samples/Seeds -- kaneo</c>.</summary>
public sealed class KaneoTests(KaneoFactory kaneo) : IClassFixture<KaneoFactory>
{
    private Task<string> UserKey(string name = "Production Script") => kaneo.KeyAsync(new CreateApiKeyRequest { Name = name, Permissions = ["admin"] });

    private static HttpRequestMessage TaskRequest(string path, string key)
    {
        var request = Http.Request(HttpMethod.Get, path, ("Authorization", $"Bearer {key}"));
        request.Content = new StringContent("", Encoding.UTF8, "application/json"); // -H "Content-Type: application/json"
        return request;
    }

    [Fact(DisplayName = "Kaneo: curl -X GET https://your-kaneo-instance.com/api/task?workspaceId=your-workspace-id -H \"Authorization: Bearer your-api-key-here\" -H \"Content-Type: application/json\"")]
    public async Task Example_request()
    {
        var response = await kaneo.Client().SendAsync(TaskRequest("/api/task?workspaceId=ws_kaneo", await UserKey()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tasks = JsonDocument.Parse(await response.BodyAsync()).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["task_1", "task_2"], tasks.Select(t => t.GetProperty("id").GetString()));
        Assert.All(tasks, t => Assert.Equal("ws_kaneo", t.GetProperty("workspaceId").GetString()));
    }

    [Fact(DisplayName = "Kaneo: Authorization: Bearer your-api-key-here (a key that was never issued: 401)")]
    public async Task Placeholder_key_is_refused()
    {
        var response = await kaneo.Client().SendAsync(TaskRequest("/api/task?workspaceId=ws_kaneo", "your-api-key-here"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"code\":\"UNAUTHORIZED\"", await response.BodyAsync());
    }

    [Fact]
    public async Task All_api_endpoints_require_a_key()
    {
        foreach (var path in new[] { "/api/task?workspaceId=ws_kaneo", "/api/project?workspaceId=ws_kaneo", "/api/api-keys" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await kaneo.Client().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Without_workspaceId_is_400_saying_to_pass_the_query_parameter()
    {
        var response = await kaneo.Client(await UserKey()).GetAsync("/api/task");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        Assert.Equal("WORKSPACE_REQUIRED", body.GetProperty("code").GetString());
        Assert.Contains("'workspaceId' query parameter", body.GetProperty("detail").GetString());
    }

    // "Create API Key ... you'll be shown the full API key value ... it will not be shown again";
    // "If you suspect your API key has been compromised, immediately revoke it".
    [Fact]
    public async Task Created_key_is_shown_once_works_and_stops_working_when_revoked()
    {
        var settings = kaneo.Client(await UserKey());
        var created = await settings.PostAsJsonAsync("/api/api-keys", new { name = "Development Testing", permissions = new[] { "read:tasks" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.BodyAsync()).RootElement;
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("key").GetProperty("id").GetString();

        var list = await settings.GetStringAsync("/api/api-keys");
        Assert.Contains("Development Testing", list);
        Assert.DoesNotContain(secret, list);

        var script = kaneo.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/task?workspaceId=ws_kaneo")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostAsJsonAsync("/api/task?workspaceId=ws_kaneo", new { title = "x" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await settings.PostAsync($"/api/api-keys/{id}/revoke", null)).StatusCode);
        var revoked = await script.GetAsync("/api/task?workspaceId=ws_kaneo");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("\"code\":\"KEY_REVOKED\"", await revoked.BodyAsync());
    }
}
