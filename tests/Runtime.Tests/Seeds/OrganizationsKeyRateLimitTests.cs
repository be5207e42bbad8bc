using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>The failed-attempt guard on the organizations key: guesses get 429, the right key is still served (16.6).</summary>
[Collection("environment variables")]
public sealed class OrganizationsKeyRateLimitTests
{
    private const string Variable = "DAUTH_TEST_ORG_KEY_LIMITS";

    private static string NewOrgKey()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return "org_" + new string(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(Alphabet, 43));
    }

    [Fact]
    public async Task Guesses_from_one_address_get_429_but_the_right_organizations_key_from_it_is_served()
    {
        var orgKey = NewOrgKey();
        Environment.SetEnvironmentVariable(Variable, orgKey);
        try
        {
            await using var app = await TestApp.StartAsync(
                a => a.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "orgs"),
                o =>
                {
                    o.OrganizationsKey.EnvironmentVariable = Variable;
                    o.RateLimits.FailedAttemptsPerMinute = 3;
                });
            for (var i = 0; i < 3; i++)
                await (await app.Client(NewOrgKey()).GetAsync("/v1/organizations")).AssertRefusal(401, "UNAUTHORIZED");
            await (await app.Client(NewOrgKey()).GetAsync("/v1/organizations")).AssertRefusal(429, "RATE_LIMITED");
            Assert.Equal(HttpStatusCode.OK, (await app.Client(orgKey).GetAsync("/v1/organizations")).StatusCode);
            await (await app.Client(NewOrgKey()).GetAsync("/v1/organizations")).AssertRefusal(429, "RATE_LIMITED");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}
