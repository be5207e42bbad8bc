using System.CommandLine;
using Declarative.Auth.Tables;

namespace Declarative.Auth.Cli;

/// <summary>
/// Least privilege from the app's permission table: <c>keys create --for "GET /api/monitors/*" --table docs/permissions.json</c>
/// computes the permissions, and <c>keys explain</c> lists what a key reaches, from the same table and grant rule.
/// </summary>
internal sealed class ReachOptions
{
    private readonly Option<string[]> _for = new("--for")
    {
        HelpName = "endpoint",
        Description = "(repeatable) An endpoint the key must reach, 'METHOD /route' ('*' for any method; a '*' segment is any one segment, a last '*' any rest), "
            + "e.g. --for \"GET /api/monitors/*\". The key gets the fewest permissions that reach them all; needs --table.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<FileInfo?> _table = new("--table")
    {
        HelpName = "permissions.json",
        Description = "The app's permission table, written by its build (e.g. docs/permissions.json or bin/Debug/net10.0/permissions.json).",
    };

    public void AddTo(Command command, bool withFor)
    {
        if (withFor)
            command.Options.Add(_for);
        command.Options.Add(_table);
    }

    /// <summary>The table, or null when neither --for nor --table was given.</summary>
    public IReadOnlyCollection<AccessRow>? Table(ParseResult parse, bool required)
    {
        if (parse.GetValue(_table) is not { } file)
        {
            if (required || parse.GetValue(_for) is { Length: > 0 })
                throw CliException.Usage("this needs the app's permission table: add --table <permissions.json> (the build writes it next to the app's dll, or where DeclarativeAuthDocsPath says).");
            return null;
        }
        return DiffCommand.Read(file, PermissionTable.Parse).Values.ToList();
    }

    /// <summary>The permissions --for asks for, added to <paramref name="given"/>; <paramref name="given"/> alone without --for.</summary>
    public string[] Permissions(ParseResult parse, string[] given)
    {
        var selectors = parse.GetValue(_for) ?? [];
        if (selectors.Length == 0)
            return given;
        try
        {
            return [.. given.Union(KeyReach.MinimalPermissions(Table(parse, required: true)!, selectors), StringComparer.Ordinal)];
        }
        catch (FormatException e)
        {
            throw CliException.Usage($"--for {e.Message}.");
        }
    }

    /// <summary>"This key reaches N endpoints:" and the list, for a key holding <paramref name="key"/>'s permissions.</summary>
    public static void WriteReach(TextWriter output, IEnumerable<AccessRow> table, ApiKey key)
    {
        var kind = key.Kind == ApiKeyKind.EventWrite ? KeyReach.EventWriteKey : KeyReach.ApiKey;
        var reached = KeyReach.Reached(table, key.Permissions, kind);
        output.WriteLine($"Key {key.Id} ({key.Name}) with {(key.Permissions.Count == 0 ? "no permissions" : string.Join(", ", key.Permissions))} reaches {reached.Count} endpoint{(reached.Count == 1 ? "" : "s")}"
            + (key.Workspace is null ? ":" : $" in workspace {key.Workspace} (workspace-scoped ones only there):"));
        foreach (var row in reached)
            output.WriteLine($"  {row.Name,-40} {(row.Permissions.Count == 0 ? "any valid key" : string.Join(" + ", row.Permissions))}{(row.WorkspaceScoped ? ", workspace-scoped" : "")}");
    }
}
