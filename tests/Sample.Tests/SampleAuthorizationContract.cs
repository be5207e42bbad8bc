using Declarative.Auth.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Declarative.Auth.Sample.Tests;

/// <summary>
/// What a user writes to have every endpoint's authorization tested (README "Testing your endpoints"): the cases come
/// from the sample's generated route table, so an endpoint added to the sample gets its rows on the next build.
/// </summary>
public sealed class SampleAuthorizationContract(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    public static IEnumerable<object[]> Cases => AuthContract.Cases<Program>();

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);
}
