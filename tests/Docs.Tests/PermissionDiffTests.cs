using Declarative.Auth.DocsTool;
using Declarative.Auth.Generator;
using Declarative.Auth.Tables;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Docs.Tests;

/// <summary>
/// The permission diff over pairs of real generated tables: the same app compiled before and after a change, its
/// permissions.json read from the built assembly as the build's docs step reads it.
/// </summary>
public sealed class PermissionDiffTests : IDisposable
{
    private const string Before = """
        var app = WebApplication.Create(args);
        app.MapGet("/made-public", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/write-to-read", () => "x").RequireKey(KeyType.Write, "monitors");
        app.MapGet("/read-to-write", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapPost("/event-keys", (string body) => body).RequireKey(KeyType.Write, "events");
        app.MapGroup("/ws").RequireWorkspace().MapGet("/left-workspace", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/or-logins", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/was-public", () => "x").AllowAnonymous();
        app.MapGet("/renamed/{id}", (string id) => id).RequireKey(KeyType.Read, "monitors");
        app.MapGet("/removed", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/unchanged", () => "x").RequireKey(KeyType.Read, "monitors");
        app.Run();
        """;

    private const string After = """
        var app = WebApplication.Create(args);
        app.MapGet("/made-public", () => "x").AllowAnonymous();
        app.MapGet("/write-to-read", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/read-to-write", () => "x").RequireKey(KeyType.Write, "monitors");
        app.MapPost("/event-keys", (string body) => body).RequireKey(KeyType.Write, "events").AcceptEventWriteKeys();
        app.MapGroup("/ws").MapGet("/left-workspace", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/or-logins", () => "x").RequireKey(KeyType.Read, "monitors").OrAuthorization();
        app.MapGet("/was-public", () => "x").RequireKey(KeyType.Read, "monitors");
        app.MapGet("/renamed/{monitorId}", (string monitorId) => monitorId).RequireKey(KeyType.Read, "monitors");
        app.MapGet("/added", () => "x").RequireKey(KeyType.Admin);
        app.MapGet("/unchanged", () => "x").RequireKey(KeyType.Read, "monitors");
        app.Run();
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("dauth-diff-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Build(string program, string name)
    {
        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), TestCompilation.Create(program, "DiffApp"));
        var path = Path.Combine(_root, name + ".dll");
        using (var stream = File.Create(path))
            Assert.True(run.Output.Emit(stream).Success);
        return path;
    }

    private string Table(string program, string name) => DocsCommand.ReadConstants(Build(program, name))["Json"];

    private IReadOnlyList<EndpointChange> Diff(ISet<string>? approved = null)
        => PermissionChanges.Compare(PermissionTable.Parse(Table(Before, "before")), PermissionTable.Parse(Table(After, "after")), approved);

    [Fact]
    public void Every_change_class_is_found_on_real_tables()
    {
        var changes = Diff().ToDictionary(c => c.Endpoint, c => c);

        Assert.Equal(
            new Dictionary<string, ChangeClass>
            {
                ["GET /made-public"] = ChangeClass.Widened,
                ["GET /write-to-read"] = ChangeClass.Widened,
                ["POST /event-keys"] = ChangeClass.Widened,
                ["GET /ws/left-workspace"] = ChangeClass.Widened,
                ["GET /or-logins"] = ChangeClass.Widened,
                ["GET /read-to-write"] = ChangeClass.Narrowed,
                ["GET /was-public"] = ChangeClass.Narrowed,
                ["GET /added"] = ChangeClass.Added,
                ["GET /removed"] = ChangeClass.Removed,
            },
            changes.ToDictionary(c => c.Key, c => c.Value.Class));
        Assert.Equal(["now public"], changes["GET /made-public"].Reasons);
        Assert.Equal(["permissions write:monitors → read:monitors: a key holding read:monitors was refused before"], changes["GET /write-to-read"].Reasons);
        Assert.Equal(["now accepts eventWriteKey", "now answers cross-origin (CORS) requests"], changes["POST /event-keys"].Reasons);
        Assert.Equal(["no longer workspace-scoped"], changes["GET /ws/left-workspace"].Reasons);
        Assert.Equal(["now accepts the app's own authorization"], changes["GET /or-logins"].Reasons);
        Assert.Equal(["permissions read:monitors → write:monitors"], changes["GET /read-to-write"].Reasons);
        Assert.Equal(["key: admin (apiKey)"], changes["GET /added"].Reasons);
        Assert.True(DiffReport.FailsGate(changes.Values.ToList()));
    }

    [Fact]
    public void Approved_widenings_are_reported_but_do_not_fail_the_gate()
    {
        var approved = Approvals.Parse("""
            # reviewed in PR 42
            GET /made-public
            GET /write-to-read
            * /event-keys
            GET /ws/left-workspace   # moved out on purpose
            get /or-logins
            """);
        var changes = Diff(approved);

        Assert.All(changes.Where(c => c.Class == ChangeClass.Widened), c => Assert.True(c.Approved, c.Endpoint));
        Assert.False(DiffReport.FailsGate(changes));
        Assert.Contains("5 widened (0 not approved), 2 narrowed, 1 added, 1 removed", DiffReport.Text(changes), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_table_has_no_changes()
    {
        var table = PermissionTable.Parse(Table(Before, "same"));
        Assert.Empty(PermissionChanges.Compare(table, table));
    }

    [Fact]
    public void Markdown_is_a_table_a_pull_request_comment_can_show()
    {
        var markdown = DiffReport.Markdown(Diff());
        Assert.StartsWith("### Permission changes\n\n5 widened (5 not approved), 2 narrowed, 1 added, 1 removed\n\n| Change | Endpoint | What changed |\n|---|---|---|\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| **widened (not approved)** | `GET /made-public` | now public |", markdown, StringComparison.Ordinal);
        Assert.Contains("| removed | `GET /removed` | key: read:monitors (apiKey) |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_gate_fails_with_DAUTH102_per_unapproved_widening_and_passes_once_approved()
    {
        var baseline = Path.Combine(_root, "permissions.baseline.json");
        File.WriteAllText(baseline, Table(Before, "baseline"));
        var after = Build(After, "built");
        var docs = Path.Combine(_root, "docs");

        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(BaselineGate.Widened, DocsCommand.Run([after, docs, "--baseline", baseline], stdout, stderr));
        var errors = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, errors.Length);
        Assert.Contains($"{baseline}: error DAUTH102: GET /made-public widened: now public. Approve it in an approvals file (DeclarativeAuthApprovals), or update the baseline once reviewed.", errors);
        Assert.Contains("Permission changes: 5 widened (5 not approved)", stdout.ToString(), StringComparison.Ordinal);

        var approvals = Path.Combine(_root, "approved.txt");
        File.WriteAllText(approvals, "GET /made-public\nGET /write-to-read\nPOST /event-keys\nGET /ws/left-workspace\nGET /or-logins\n");
        Assert.Equal(0, DocsCommand.Run([after, docs, "--baseline", baseline, "--approvals", approvals], new StringWriter(), new StringWriter()));
    }

    [Theory]
    [InlineData("{}", "not a permissions.json: no \"schemaVersion\"")]
    [InlineData("{\"schemaVersion\": 2, \"endpoints\": []}", "schemaVersion 2 is not supported (this tool reads 1)")]
    [InlineData("{\"schemaVersion\": 1, \"endpoints\": {}}", "\"endpoints\" is not an array")]
    public void A_file_that_is_not_a_permission_table_is_refused_with_the_reason(string json, string reason)
        => Assert.Equal(reason, Assert.Throws<FormatException>(() => PermissionTable.Parse(json)).Message);

    [Fact]
    public void A_malformed_approval_line_names_the_line_and_what_to_write()
        => Assert.Equal("line 2: write one endpoint as 'METHOD /route' (e.g. 'GET /api/monitors/{id}'), not 'made-public'",
            Assert.Throws<FormatException>(() => Approvals.Parse("GET /x\nmade-public\n")).Message);
}
