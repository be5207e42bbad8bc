using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.Seeds;

/// <summary>Krenalis's organizations key: from an environment variable, never stored, constant-time compared.</summary>
[Collection("environment variables")]
public sealed class OrganizationsKeyTests
{
    private const string Variable = "DAUTH_TEST_ORG_KEY";

    private static string NewOrgKey()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return "org_" + new string(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(Alphabet, 43));
    }

    private static Task<TestApp> Start() => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/v1/organizations", [RequiresOrganizationsKey] () => "orgs");
            a.MapGet("/v1/connections", [RequiresKey(KeyType.Read, Scope = "connections")] () => "connections");
        },
        o => o.OrganizationsKey.EnvironmentVariable = Variable);

    [Fact]
    public async Task Right_key_is_200_wrong_is_401_and_api_keys_do_not_count()
    {
        var orgKey = NewOrgKey();
        Environment.SetEnvironmentVariable(Variable, orgKey);
        try
        {
            await using var app = await Start();
            Assert.Equal("orgs", await (await app.Client(orgKey).GetAsync("/v1/organizations")).Content.ReadAsStringAsync());
            await (await app.Client(NewOrgKey()).GetAsync("/v1/organizations")).AssertRefusal(401, "UNAUTHORIZED");
            await (await app.Client().GetAsync("/v1/organizations")).AssertRefusal(401, "UNAUTHORIZED");
            await (await app.Client(app.Key("admin")).GetAsync("/v1/organizations")).AssertRefusal(401, "UNAUTHORIZED");
            // and the organizations key is no API key
            await (await app.Client(orgKey).GetAsync("/v1/connections")).AssertRefusal(401, "UNAUTHORIZED");
            Assert.DoesNotContain(app.Logs.Lines(), l => l.Contains(orgKey));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    [Fact]
    public async Task Variable_absent_disables_the_endpoints_with_404()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        await using var app = await Start();
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client(NewOrgKey()).GetAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/v1/organizations")).StatusCode);
    }

    [Theory]
    [InlineData("org_tooShort")]
    [InlineData("ORG_0123456789012345678901234567890123456789012")]
    [InlineData("org_012345678901234567890123456789012345678901-")]
    [InlineData("org_0123456789012345678901234567890123456789012x")]
    public async Task Bad_format_fails_start_up_naming_the_variable_and_rule_without_echoing_the_value(string value)
    {
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(Start);
            Assert.Contains(Variable, ex.Message);
            Assert.Contains("'org_' followed by 43 ASCII letters or digits", ex.Message);
            Assert.DoesNotContain(value, ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}
