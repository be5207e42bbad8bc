using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Keys;

public sealed class RotationIdentityTests
{
    [Fact]
    public async Task A_rotated_key_is_seen_as_itself_not_as_the_key_it_replaced()
    {
        await using var app = await TestApp.StartAsync(a => a.MapKeyIntrospection("/me"));
        var old = await app.Keys.CreateAsync(new CreateApiKeyRequest { Name = "svc", Permissions = ["read:events"] });
        Assert.Contains(old.Key.Id, await app.Client(old.Secret).GetStringAsync("/me")); // caches the old record's principal

        var fresh = await app.Keys.RotateAsync(old.Key.Id);
        var me = JsonDocument.Parse(await app.Client(fresh.Secret).GetStringAsync("/me")).RootElement;
        Assert.Equal(fresh.Key.Id, me.GetProperty("id").GetString());
        Assert.Equal("active", me.GetProperty("status").GetString());
    }
}
