using System.Net;
using System.Net.Http.Json;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>samples/ExistingApp's "Settings > API keys": a signed-in user makes keys that act for them, and only them.</summary>
public sealed class ApiKeySettingsTests : IDisposable
{
    private readonly ExistingAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact] // 15.5
    public async Task A_user_makes_a_key_that_sees_their_todos_and_lists_and_revokes_it()
    {
        var ada = _app.ClientWith(await _app.SignUpAsync("ada@example.com"));
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsJsonAsync("/api/todos", new { title = "milk" })).StatusCode);

        var response = await ada.PostAsJsonAsync("/settings/api-keys", new { name = "ada's script", permissions = new[] { "read:todos" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedKeyView>())!;
        Assert.StartsWith("todo_test_", created.Secret, StringComparison.Ordinal);

        var script = _app.ClientWith(created.Secret);
        Assert.Equal(["milk"], (await script.GetFromJsonAsync<TodoView[]>("/api/todos"))!.Select(t => t.Title));

        var listed = await ada.GetFromJsonAsync<KeyView[]>("/settings/api-keys");
        var only = Assert.Single(listed!);
        Assert.Equal(created.Id, only.Id);
        Assert.DoesNotContain(created.Secret, await ada.GetStringAsync("/settings/api-keys"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync($"/settings/api-keys/{created.Id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/todos")).StatusCode);
    }

    [Fact]
    public async Task Another_user_neither_sees_nor_revokes_the_key()
    {
        var ada = _app.ClientWith(await _app.SignUpAsync("ada@example.com"));
        var created = (await (await ada.PostAsJsonAsync("/settings/api-keys", new { name = "ada's script", permissions = new[] { "read:todos" } }))
            .Content.ReadFromJsonAsync<CreatedKeyView>())!;

        var bob = _app.ClientWith(await _app.SignUpAsync("bob@example.com"));
        Assert.Empty((await bob.GetFromJsonAsync<KeyView[]>("/settings/api-keys"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/settings/api-keys/{created.Id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientWith(created.Secret).GetAsync("/api/todos")).StatusCode);
    }

    [Fact]
    public async Task A_key_cannot_make_keys_and_a_user_cannot_grant_what_users_do_not_hold()
    {
        var ada = _app.ClientWith(await _app.SignUpAsync("ada@example.com"));
        var key = await _app.CreateKeyAsync("ada's script", ["read:todos", "write:todos"]);
        var asKey = await _app.ClientWith(key).PostAsJsonAsync("/settings/api-keys", new { name = "escalate", permissions = new[] { "read:todos" } });
        Assert.Equal(HttpStatusCode.Unauthorized, asKey.StatusCode);

        var tooMuch = await ada.PostAsJsonAsync("/settings/api-keys", new { name = "reports", permissions = new[] { "read:reports" } });
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
    }

    private sealed record CreatedKeyView(string Id, string Name, string[] Permissions, string Secret);

    private sealed record KeyView(string Id, string Name, string DisplayPart, string[] Permissions, bool Revoked);

    private sealed record TodoView(string Id, string Title);
}
