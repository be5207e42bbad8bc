namespace Declarative.Auth.Testing;

/// <summary>
/// The key a test asks for: <c>client.WithKey(k => k.Permissions("read:monitors").Workspace("ws_1"))</c>.
/// A key given no permissions holds <c>admin</c>, so <c>k => k.Workspace("ws_1")</c> is a full key of one workspace.
/// </summary>
public sealed class TestKey
{
    internal TestKey()
    {
    }

    internal List<string> PermissionList { get; } = [];

    internal string? WorkspaceId { get; private set; }

    internal string? SourceConnectionId { get; private set; }

    internal string? OwnerId { get; private set; }

    /// <summary>Adds permissions, e.g. <c>read:monitors</c> or a generated <c>Permissions.ReadMonitors</c>.</summary>
    public TestKey Permissions(params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        PermissionList.AddRange(permissions);
        return this;
    }

    /// <summary>Restricts the key to one workspace (a restricted key).</summary>
    public TestKey Workspace(string workspace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspace);
        WorkspaceId = workspace;
        return this;
    }

    /// <summary>Makes an event write key of <paramref name="sourceConnection"/>: accepted only by event-ingestion endpoints.</summary>
    public TestKey EventWrite(string sourceConnection = "src_test")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceConnection);
        SourceConnectionId = sourceConnection;
        return this;
    }

    /// <summary>The subject (user id) the key acts for.</summary>
    public TestKey Owner(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        OwnerId = subject;
        return this;
    }

    internal MintRequest ToRequest(KeyState state) => new()
    {
        Permissions = PermissionList.Count > 0 || SourceConnectionId is not null ? [.. PermissionList] : [PermissionName.Admin],
        Workspace = WorkspaceId,
        SourceConnection = SourceConnectionId,
        Owner = OwnerId,
        State = state,
    };
}
