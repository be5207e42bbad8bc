using System.CommandLine;
using Declarative.Auth.Tables;

namespace Declarative.Auth.Cli;

/// <summary>
/// <c>declarative-auth diff &lt;old permissions.json&gt; &lt;new&gt;</c>: every endpoint whose access changed, classified
/// widened / narrowed / added / removed; exit code 3 when a widening is not in the approvals file.
/// </summary>
internal sealed class DiffCommand(CliContext context)
{
    public Command Build()
    {
        var command = new Command("diff",
            "Compares two permission tables (permissions.json, written by the build) and prints every endpoint whose access changed: "
            + "widened (a caller refused before is let in), narrowed, added, removed. Exits with 3 when an endpoint widened and "
            + "--approvals does not list it.");
        var before = new Argument<FileInfo>("old") { Description = "The permissions.json before the change (e.g. the committed baseline)." };
        var after = new Argument<FileInfo>("new") { Description = "The permissions.json after the change (e.g. the build's docs/permissions.json)." };
        var approvals = new Option<FileInfo?>("--approvals") { Description = "A file listing approved widenings, one 'METHOD /route' per line ('*' for every method); '#' comments." };
        var format = new Option<string>("--format") { Description = "text (default) or markdown (GitHub-flavoured, for a PR comment).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown");
        command.Arguments.Add(before);
        command.Arguments.Add(after);
        command.Options.Add(approvals);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var changes = PermissionChanges.Compare(
                Table(parse.GetValue(before)!), Table(parse.GetValue(after)!),
                parse.GetValue(approvals) is { } file ? Read(file, Approvals.Parse) : null);
            context.Out.Write(parse.GetValue(format) == "markdown" ? DiffReport.Markdown(changes) : DiffReport.Text(changes));
            return DiffReport.FailsGate(changes) ? ExitCodes.Widened : ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyDictionary<string, AccessRow> Table(FileInfo file) => Read(file, PermissionTable.Parse);

    /// <summary>Reads and parses a file the user named; either failure is one line naming the file.</summary>
    internal static T Read<T>(FileInfo file, Func<string, T> parse)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Failed($"cannot read {file}: {e.Message}");
        }
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            throw CliException.Failed($"{file}: {e.Message}");
        }
    }
}
