namespace Declarative.Auth.Cli.Tests;

/// <summary>
/// <c>keys create --for</c> and <c>keys explain</c> on the sample's real permission table: the fewest permissions
/// for the endpoints named, and every endpoint a key reaches.
/// </summary>
public sealed class LeastPrivilegeTests : IDisposable
{
    private static readonly string Table = Path.Combine(AppContext.BaseDirectory, "sample-permissions.json");

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private Task<CliRun> Create(params string[] extra)
        => _cli.RunAsync(["keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix, "--name", "least", "--table", Table, .. extra]);

    [Fact]
    public async Task For_computes_the_minimal_permissions_and_prints_the_reach()
    {
        // write:incidents reaches GET /api/incidents too (write implies read), so read:incidents is not added.
        var run = await Create("--for", "GET /api/monitors/*", "--for", "* /api/incidents/{id}/resolve", "--for", "GET /api/incidents");

        Assert.True(run.ExitCode == 0, run.ToString());
        var key = Assert.Single(await _cli.Store().ListAsync());
        Assert.Equal(["read:monitors", "write:incidents"], key.Permissions.Order(StringComparer.Ordinal));
        Assert.Contains($"Key {key.Id} (least) with read:monitors, write:incidents reaches 6 endpoints:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  POST /api/incidents", run.Out, StringComparison.Ordinal);
        Assert.Contains("  GET /api/monitors/{id}", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("POST /api/monitors/", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_lists_the_blast_radius_of_a_stored_key()
    {
        var (id, _) = await _cli.CreateAsync("reader", "-p", "read:monitors");

        var run = await _cli.RunAsync("keys", "explain", id, "--sqlite", _cli.Db, "--table", Table);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"""
            Key {id} (reader) with read:events, read:monitors reaches 3 endpoints:
              GET /api/monitors/                       read:monitors
              GET /api/monitors/{"{id}"}                   read:monitors
              GET /v1/events/stats                     read:events

            """.ReplaceLineEndings("\n"), run.Out.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("GET /nowhere/*", "--for 'GET /nowhere/*' matches no endpoint in the table.")]
    [InlineData("monitors", "--for 'monitors' is not an endpoint: write 'METHOD /route', e.g. 'GET /api/monitors/*' or '* /api/incidents'.")]
    public async Task A_selector_that_reaches_nothing_is_a_usage_error_and_creates_no_key(string selector, string message)
    {
        var run = await Create("--for", selector);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"declarative-auth: error: {message}\n", run.Error.ReplaceLineEndings("\n"));
        Assert.Empty(await _cli.Store().ListAsync());
    }

    [Fact]
    public async Task For_without_a_table_says_where_the_table_is()
    {
        var run = await _cli.RunAsync("keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix, "--name", "x", "--for", "GET /api/incidents");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("declarative-auth: error: this needs the app's permission table: add --table <permissions.json>", run.Error, StringComparison.Ordinal);
    }
}
