using Declarative.Auth.Testing;

namespace Declarative.Auth.Sample.Tests;

/// <summary>The contract's request paths: a value each route parameter's constraints accept, or the user's.</summary>
public sealed class RouteSampleTests
{
    private static readonly string[] WorkspaceRoute = ["workspaceId"];

    [Theory]
    [InlineData("/api/monitors/{id}", "/api/monitors/1")]
    [InlineData("/a/{id:int}/b/{g:guid}", "/a/1/b/" + RouteSamples.SampleGuid)]
    [InlineData("/w/{workspaceId}/tasks", "/w/ws_contract/tasks")]
    [InlineData("/n/{code:alpha:minlength(8)}", "/n/sampleaa")]
    [InlineData("/r/{page:range(5,10)}", "/r/5")]
    [InlineData("/f/{name}.{ext?}", "/f/1.1")]
    [InlineData("/d/{when:datetime}/{flag:bool}", "/d/2024-01-01/true")]
    [InlineData("/files/{**path}", "/files/1")]
    [InlineData("/v/{version=v2}", "/v/v2")]
    public void Each_parameter_gets_a_value_its_constraints_accept(string route, string path)
        => Assert.Equal(path, RouteSamples.PathFor(route, new Dictionary<string, string>(), WorkspaceRoute));

    [Fact]
    public void A_value_the_user_supplies_wins()
        => Assert.Equal("/posts/hello-world", RouteSamples.PathFor("/posts/{slug:regex(^[a-z-]+$)}", new Dictionary<string, string> { ["slug"] = "hello-world" }, WorkspaceRoute));

    [Fact]
    public void The_sample_yields_a_case_per_endpoint_and_caller_from_its_generated_table()
    {
        var cases = AuthContract.Cases<Program>().Select(row => (AuthCase)row[0]).ToList();
        // Today 13 key endpoints × 5 callers (one permission each) + 4 public endpoints × 1 = 69; the shape, not the
        // count, is what must hold as the sample grows: every key endpoint gets its five callers, a public one "no key".
        Assert.True(cases.Count >= 69, $"{cases.Count} cases");
        foreach (var endpoint in cases.GroupBy(c => (c.Method, c.Endpoint.Route)))
        {
            var callers = endpoint.Select(c => c.Caller).ToList();
            if (endpoint.First().Endpoint is { Access: EndpointAccess.Key } key && !(key.EventIngestion && key.Permissions.Count == 0))
            {
                Assert.Equal(4 + endpoint.First().Endpoint.Permissions.Count, callers.Count);
                Assert.Contains("no key", callers);
                Assert.Contains("an event write key", callers);
                Assert.Contains("a key of another workspace", callers);
                Assert.All(endpoint.First().Endpoint.Permissions, p => Assert.Contains($"a key lacking {p}", callers));
            }
            else if (endpoint.First().Endpoint.Access == EndpointAccess.Public)
            {
                Assert.Equal(["no key"], callers);
            }
        }
        Assert.Contains(cases, c => c.ToString() == "GET /api/monitors/{id} · no key");
        Assert.Contains(cases, c => c.ToString() == "POST /v1/reports/sync · a key lacking write:reports");
        Assert.Contains(cases, c => c.ToString() == "GET /v1/workspace · a key holding exactly admin");
        Assert.All(cases, c => Assert.NotNull(c.Endpoint.Route));
    }
}
