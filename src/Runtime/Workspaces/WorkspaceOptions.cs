namespace Declarative.Auth;

/// <summary>Where a workspace-scoped request names its workspace, tried in order.</summary>
public sealed class WorkspaceOptions
{
    /// <summary>The sources in the order they are tried. Default: header <c>Workspace</c>, query <c>workspaceId</c>, route value <c>workspaceId</c>.</summary>
    public List<WorkspaceSource> Sources { get; } = [];

    /// <summary>
    /// When true, every key created through the management API (or the key console) must be restricted to a
    /// workspace: a request without <c>workspace</c> is refused with 400 <c>INVALID_REQUEST</c>. For apps whose
    /// keys are workspace-scoped by definition. Default false.
    /// </summary>
    public bool RequiredForKeys { get; set; }

    /// <summary>Adds a header source, e.g. <c>Acme-Workspace</c>.</summary>
    public WorkspaceOptions FromHeader(string name) { Sources.Add(new(WorkspaceSourceKind.Header, name)); return this; }

    /// <summary>Adds a query-string source, e.g. <c>workspaceId</c>.</summary>
    public WorkspaceOptions FromQuery(string name) { Sources.Add(new(WorkspaceSourceKind.Query, name)); return this; }

    /// <summary>Adds a route-value source, e.g. <c>workspaceId</c> in <c>/workspaces/{workspaceId}/tasks</c>.</summary>
    public WorkspaceOptions FromRoute(string name) { Sources.Add(new(WorkspaceSourceKind.Route, name)); return this; }

    internal IReadOnlyList<WorkspaceSource> Effective => Sources.Count > 0
        ? Sources
        : [new(WorkspaceSourceKind.Header, "Workspace"), new(WorkspaceSourceKind.Query, "workspaceId"), new(WorkspaceSourceKind.Route, "workspaceId")];
}
