using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Sample.Tests;

/// <summary>Issue 18.1: what the management API answers after a change is the key's status after that change.</summary>
public sealed class ManagementAnswerTests(SampleFactory factory) : IClassFixture<SampleFactory>
{
    private async Task<(HttpClient Client, string Id)> AdminAndKeyAsync(string name)
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = name + "-admin", Permissions = ["admin"] });
        var target = await keys.CreateAsync(new CreateApiKeyRequest { Name = name, Permissions = ["read:monitors"] });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Secret);
        return (client, target.Key.Id);
    }

    [Theory]
    [InlineData("revoke", "revoked", "revokedAt")]
    [InlineData("expire", "expired", "expiresAt")]
    public async Task Revoke_and_expire_answer_the_status_the_key_now_has(string verb, string status, string time)
    {
        var (client, id) = await AdminAndKeyAsync("answer-" + verb);
        var response = await client.PostAsync($"/auth/keys/{id}/{verb}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty(time).ValueKind);
        Assert.Equal(status, body.GetProperty("status").GetString());
        // And the next read agrees.
        var again = JsonDocument.Parse(await client.GetStringAsync($"/auth/keys/{id}")).RootElement;
        Assert.Equal(status, again.GetProperty("status").GetString());
    }

    /// <summary>Issue 18.5: without DefaultKeyPermissions (the sample sets none) a key with just a name is a clear 400.</summary>
    [Fact]
    public async Task A_key_with_no_permission_and_no_default_is_a_clear_400()
    {
        var (client, _) = await AdminAndKeyAsync("no-default");
        var response = await client.PostAsync("/auth/keys", new StringContent("""{"name":"just-a-name"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("INVALID_REQUEST", body.GetProperty("code").GetString());
        Assert.Contains("at least one permission", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
