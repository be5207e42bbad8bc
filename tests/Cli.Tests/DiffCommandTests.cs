using System.Text.Json.Nodes;

namespace Declarative.Auth.Cli.Tests;

/// <summary>
/// <c>declarative-auth diff</c> on the sample's committed permissions.json and a copy edited as a careless change
/// would edit it: the exit code is the gate, the output says what changed.
/// </summary>
public sealed class DiffCommandTests : IDisposable
{
    private static readonly string SampleTable = Path.Combine(AppContext.BaseDirectory, "sample-permissions.json");

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_cli.Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The sample's table with GET /api/incidents made public.</summary>
    private string Widened()
    {
        var json = JsonNode.Parse(File.ReadAllText(SampleTable))!;
        var incidents = json["endpoints"]!.AsArray().Single(e => (string?)e!["route"] == "/api/incidents" && (string?)e["methods"]![0] == "GET")!;
        incidents["access"] = "public";
        incidents["public"] = true;
        incidents["permissions"] = new JsonArray();
        incidents["keyKinds"] = new JsonArray();
        return Write("widened.json", json.ToJsonString());
    }

    [Fact]
    public async Task A_widening_exits_3_and_names_the_endpoint()
    {
        var run = await _cli.RunAsync("diff", SampleTable, Widened());

        Assert.Equal(ExitCodes.Widened, run.ExitCode);
        Assert.Equal("""
            Permission changes: 1 widened (1 not approved), 0 narrowed, 0 added, 0 removed

            WIDENED
              GET /api/incidents  [NOT APPROVED]
                - now public

            """.ReplaceLineEndings("\n"), run.Out);
    }

    [Fact]
    public async Task Reversed_it_is_a_narrowing_and_exits_0()
    {
        var run = await _cli.RunAsync("diff", Widened(), SampleTable, "--format", "markdown");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("| narrowed | `GET /api/incidents` | no longer public |", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_widening_exits_0()
    {
        var approvals = Write("approvals.txt", "GET /api/incidents  # public status page, approved\n");
        var run = await _cli.RunAsync("diff", SampleTable, Widened(), "--approvals", approvals);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("GET /api/incidents  [approved]", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_table_is_one_line_on_stderr_with_exit_1()
    {
        var run = await _cli.RunAsync("diff", SampleTable, Write("bad.json", "{\"hello\": 1}"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Equal($"declarative-auth: error: {Path.Combine(_cli.Folder, "bad.json")}: not a permissions.json: no \"schemaVersion\"\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_sample_against_itself_has_no_changes()
    {
        var run = await _cli.RunAsync("diff", SampleTable, SampleTable);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Permission changes: 0 widened (0 not approved), 0 narrowed, 0 added, 0 removed\n", run.Out.ReplaceLineEndings("\n"));
    }
}
