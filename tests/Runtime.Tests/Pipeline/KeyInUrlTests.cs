using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>Keys in the URL, in every shape, on every kind of protected endpoint (issue 16 item 13).</summary>
[Collection("environment variables")]
public sealed class KeyInUrlTests
{
    private const string Variable = "DAUTH_TEST_URL_ORG_KEY";

    private static Task<TestApp> Start() => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/key", [RequiresKey(KeyType.Read, Scope = "events")] () => "k");
            a.MapGet("/key/{id}", [RequiresKey(KeyType.Read, Scope = "events")] (string id) => "k");
            a.MapGet("/authorized", () => "a").RequireAuthorization();
            a.MapGet("/orgs", [RequiresOrganizationsKey] () => "o");
        },
        o => o.OrganizationsKey.EnvironmentVariable = Variable);

    public static TheoryData<string> Shapes => new()
    {
        "/key?api_key={0}",
        "/key?{0}",                       // the key as a parameter name
        "/key?{0}=1",
        "/key?token=Bearer%20{0}",
        "/key?token=bearer+{0}",
        "/key/{0}",                       // a path segment
        "/authorized?api_key={0}",
        "/authorized?{0}",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_key_in_the_URL_is_refused_even_with_a_good_header(string shape)
    {
        await using var app = await Start();
        var key = app.Key("read:events");
        var body = await (await app.Client(key).GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, key))).AssertRefusal(401, "UNAUTHORIZED");
        Assert.Contains("URL", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_organizations_key_in_the_URL_is_refused_on_organizations_endpoints()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var orgKey = "org_" + new string(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(Alphabet, 43));
        Environment.SetEnvironmentVariable(Variable, orgKey);
        try
        {
            await using var app = await Start();
            Assert.Equal(HttpStatusCode.OK, (await app.Client(orgKey).GetAsync("/orgs")).StatusCode);
            await (await app.Client(orgKey).GetAsync("/orgs?key=" + orgKey)).AssertRefusal(401, "UNAUTHORIZED");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    [Fact]
    public async Task Ordinary_query_strings_and_paths_pass()
    {
        await using var app = await Start();
        var key = app.Key("read:events");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/key?page=2&token=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/key/evt_123")).StatusCode);
    }
}
