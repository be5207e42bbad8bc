using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>
/// 403 refusals name what their own endpoint requires and what the key lacks, however often they are served:
/// the refusal cached per endpoint for "lacks everything" is never served for another endpoint or a partial miss.
/// </summary>
public sealed class ForbiddenTests
{
    private static async Task<(string Detail, string[] Required, string Challenge)> Get(TestApp app, string key, string path)
    {
        var response = await app.Client(key).GetAsync(path);
        var body = await response.AssertRefusal(403, "FORBIDDEN");
        return (
            body.GetProperty("detail").GetString()!,
            [.. body.GetProperty("requiredPermissions").EnumerateArray().Select(p => p.GetString()!)],
            response.Headers.WwwAuthenticate.ToString());
    }

    private static void AssertForbidden((string Detail, string[] Required, string Challenge) actual, string[] required, string missing)
    {
        Assert.Equal($"The API key lacks the required permission: {missing}.", actual.Detail);
        Assert.Equal(required, actual.Required);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required)}\"", actual.Challenge);
    }

    [Fact]
    public async Task Each_endpoint_names_its_own_permissions_and_only_what_is_missing()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/alpha", [RequiresKey(KeyType.Read, Scope = "alpha")] () => "a");
            a.MapGet("/beta", [RequiresKey(KeyType.Read, Scope = "beta")] () => "b");
            a.MapGet("/both", [RequiresKey(KeyType.Read, Scope = "alpha")] [RequiresKey(KeyType.Read, Scope = "beta")] () => "ab");
        });
        var none = app.Key("read:gamma");
        var alphaOnly = app.Key("read:alpha");
        var betaOnly = app.Key("read:beta");

        for (var round = 0; round < 2; round++)
        {
            AssertForbidden(await Get(app, none, "/alpha"), ["read:alpha"], "read:alpha");
            AssertForbidden(await Get(app, none, "/beta"), ["read:beta"], "read:beta");
            AssertForbidden(await Get(app, none, "/both"), ["read:alpha", "read:beta"], "read:alpha, read:beta");
            AssertForbidden(await Get(app, alphaOnly, "/both"), ["read:alpha", "read:beta"], "read:beta");
            AssertForbidden(await Get(app, betaOnly, "/both"), ["read:alpha", "read:beta"], "read:alpha");
            AssertForbidden(await Get(app, alphaOnly, "/beta"), ["read:beta"], "read:beta");
            AssertForbidden(await Get(app, betaOnly, "/alpha"), ["read:alpha"], "read:alpha");
        }
        Assert.Equal("ab", await (await app.Client(app.Key("read:alpha", "read:beta")).GetAsync("/both")).Content.ReadAsStringAsync());
    }
}
