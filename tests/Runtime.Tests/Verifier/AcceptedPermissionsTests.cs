using Declarative.Auth.Rules;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>
/// A 403 for missing permissions says which permission sets would have been accepted, so a caller can ask for the
/// right key; each set named is one the verifier then really accepts.
/// </summary>
public sealed class AcceptedPermissionsTests
{
    private static async Task<TestApp> Start(Action<DeclarativeAuthOptions>? options = null) => await TestApp.StartAsync(a =>
    {
        a.MapGet("/read", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "r");
        a.MapDelete("/delete", [RequiresKey(KeyType.Delete, Scope = "monitors")] () => "d");
        a.MapGet("/both", [RequiresKey(KeyType.Read, Scope = "alpha")] [RequiresKey(KeyType.Read, Scope = "beta")] () => "ab");
        a.MapGet("/admin", [RequiresKey(KeyType.Admin)] () => "a");
    }, options);

    [Theory]
    [InlineData("GET", "/read", "read:monitors, write:monitors, admin")]
    [InlineData("DELETE", "/delete", "delete:monitors, admin")]
    [InlineData("GET", "/both", "read:alpha read:beta, read:alpha write:beta, write:alpha read:beta, write:alpha write:beta, admin")]
    [InlineData("GET", "/admin", "admin")]
    public async Task A_403_names_every_permission_set_that_would_be_accepted_and_each_is(string method, string path, string accepted)
    {
        await using var app = await Start();

        var response = await app.Client(app.Key("read:other")).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await response.AssertRefusal(403, "FORBIDDEN");
        Assert.Equal(accepted, Assert.Single(response.Headers.GetValues("X-Accepted-Permissions")));

        foreach (var set in accepted.Split(", "))
        {
            var allowed = await app.Client(app.Key(set.Split(' '))).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(allowed.IsSuccessStatusCode, $"{set} on {method} {path}: {allowed.StatusCode}");
        }
    }

    [Fact]
    public async Task The_header_name_is_configurable_and_can_be_turned_off()
    {
        await using (var renamed = await Start(o => o.AcceptedPermissionsHeader = "X-Accepted-Scopes"))
        {
            var response = await renamed.Client(renamed.Key("read:other")).GetAsync("/read");
            Assert.Equal("read:monitors, write:monitors, admin", Assert.Single(response.Headers.GetValues("X-Accepted-Scopes")));
            Assert.False(response.Headers.Contains("X-Accepted-Permissions"));
        }
        await using var off = await Start(o => o.AcceptedPermissionsHeader = "");
        var quiet = await off.Client(off.Key("read:other")).GetAsync("/read");
        Assert.Equal(403, (int)quiet.StatusCode);
        Assert.False(quiet.Headers.Contains("X-Accepted-Permissions"));
    }

    [Fact]
    public void A_header_name_that_is_not_a_token_is_refused_naming_the_setting()
    {
        var services = new ServiceCollection().AddSingleton<IAuthErrorWriter>(new ProblemDetailsAuthErrorWriter())
            .AddSingleton(Options.Create(new DeclarativeAuthOptions { AcceptedPermissionsHeader = "X Accepted: yes" }))
            .AddSingleton<Refusals>().BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<Refusals>());
        Assert.StartsWith("DeclarativeAuth:AcceptedPermissionsHeader 'X Accepted: yes' is not a header name", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read:monitors")]
    [InlineData("write:monitors")]
    [InlineData("delete:monitors")]
    [InlineData("admin")]
    public void Every_accepted_permission_is_one_the_grant_rule_grants(string required)
        => Assert.All(PermissionText.AcceptedFor(required), held => Assert.True(PermissionText.Grants(held, required), held));
}
