using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Kener's /me.</summary>
public sealed class IntrospectionTests
{
    [Fact]
    public async Task Me_reports_the_calling_key_and_what_it_may_call_never_the_secret()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapKeyIntrospection("/api/me");
            a.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "m");
            a.MapPost("/api/monitors", [RequiresKey(KeyType.Write, Scope = "monitors")] () => "m");
            a.MapPost("/api/incidents", [RequiresKey(KeyType.Write, Scope = "incidents")] () => "i");
            a.MapDelete("/api/monitors/{id}", [RequiresKey(KeyType.Delete, Scope = "monitors")] (string id) => "d");
        });
        var created = await app.Keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = "my-api-key",
            Permissions = ["read:monitors", "write:incidents"],
            ExpiresAt = TestApp.Start.AddDays(30),
        });
        var text = await app.Client(created.Secret).GetStringAsync("/api/me");
        var me = JsonDocument.Parse(text).RootElement;

        Assert.Equal("my-api-key", me.GetProperty("name").GetString());
        Assert.Equal(created.Key.Id, me.GetProperty("id").GetString());
        Assert.Equal(["read:monitors", "write:incidents"], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(TestApp.Start, me.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(TestApp.Start.AddDays(30), me.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal("Test", me.GetProperty("environment").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("workspace").ValueKind);
        Assert.Equal(["GET /api/me", "GET /api/monitors", "POST /api/incidents"], me.GetProperty("endpoints").EnumerateArray().Select(p => p.GetString()));
        Assert.DoesNotContain(created.Secret, text);
        Assert.DoesNotContain(KeyHash.Compute(created.Secret).ToHex(), text);
        await (await app.Client().GetAsync("/api/me")).AssertRefusal(401, "UNAUTHORIZED");
    }
}
