namespace Declarative.Auth;

/// <summary>A place a workspace id is read from.</summary>
public sealed record WorkspaceSource(WorkspaceSourceKind Kind, string Name)
{
    /// <summary>How people are told to pass it, e.g. <c>the 'Acme-Workspace' header</c>.</summary>
    public string Describe() => Kind switch
    {
        WorkspaceSourceKind.Header => $"the '{Name}' header",
        WorkspaceSourceKind.Query => $"the '{Name}' query parameter",
        _ => $"the '{{{Name}}}' route segment",
    };
}
