using System.Net;
using Declarative.Auth;
using Declarative.Auth.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ConsumerApp.Tests;

/// <summary>
/// Declarative.Auth.Testing from the package: what the README's "Testing your endpoints" tells a user to write,
/// on an app whose only endpoint table is the one the packaged generator wrote.
/// </summary>
public sealed class ConsumerAuthorizationContract(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    public static IEnumerable<object[]> Cases => AuthContract.Cases<Program>();

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);

    [Fact]
    public void Every_endpoint_of_the_table_has_its_cases()
    {
        var cases = Cases.Select(row => row[0].ToString()).ToList();
        Assert.Contains("GET /events · no key", cases);
        Assert.Contains("GET /events · a key holding exactly read:events", cases);
        Assert.Contains("GET /events · an event write key", cases);
        Assert.Contains("GET /events · a key lacking read:events", cases);
        Assert.Contains("GET /forgotten · no key", cases);
        Assert.Contains("GET /health · no key", cases);
    }

    [Fact]
    public async Task Keys_minted_for_a_client_are_real_keys_of_the_app()
    {
        var app = factory.WithDeclarativeAuth();
        var client = app.CreateClient().WithKey("read:events");
        Assert.StartsWith("consumer_test_", client.DefaultRequestHeaders.Authorization!.Parameter);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.WithoutKey().GetAsync("/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().WithRevokedKey("read:events").GetAsync("/events")).StatusCode);
        Assert.IsType<InMemoryApiKeyStore>(app.Services.GetRequiredService<IApiKeyStore>());
    }
}
