using Declarative.Auth.Tables;

namespace Declarative.Auth.DocsTool;

/// <summary>
/// The build's permission gate (<c>DeclarativeAuthBaseline</c>): compares the table just built with a committed
/// baseline permissions.json. Every unapproved widening is an MSBuild error (DAUTH102) on the baseline file; the
/// full report goes to the build log. Exit code 3 then, so the targets know the errors were already reported.
/// </summary>
internal static class BaselineGate
{
    public const int Widened = 3;

    public static int Run(string json, string baselinePath, string? approvalsPath, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<EndpointChange> changes;
        try
        {
            var approved = approvalsPath is null ? null : Approvals.Parse(File.ReadAllText(approvalsPath));
            changes = PermissionChanges.Compare(PermissionTable.Parse(File.ReadAllText(baselinePath)), PermissionTable.Parse(json), approved);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            stderr.WriteLine($"{Path.GetFullPath(baselinePath)}: error DAUTH102: cannot compare with the permission baseline: {e.Message}");
            return 2;
        }
        stdout.Write(DiffReport.Text(changes));
        var widened = changes.Where(c => c.BlocksGate).ToList();
        foreach (var change in widened)
        {
            stderr.WriteLine($"{Path.GetFullPath(baselinePath)}: error DAUTH102: {change.Endpoint} widened: {string.Join("; ", change.Reasons)}. "
                + $"Approve it in {(approvalsPath is null ? "an approvals file (DeclarativeAuthApprovals)" : Path.GetFileName(approvalsPath))}, or update the baseline once reviewed.");
        }
        return widened.Count > 0 ? Widened : 0;
    }
}
