namespace Declarative.Auth;

/// <summary>Where a workspace-scoped request names its workspace, tried in order.</summary>
public sealed class WorkspaceOptions
{
    /// <summary>The sources in the order they are tried. Default: header <c>Workspace</c>, query <c>workspaceId</c>, route value <c>workspaceId</c>.</summary>
    public List<WorkspaceSource> Sources { get; } = [];

    /// <summary>Adds a header source, e.g. <c>Krenalis-Workspace</c>.</summary>
    public WorkspaceOptions FromHeader(string name) { Sources.Add(new(WorkspaceSourceKind.Header, name)); return this; }

    /// <summary>Adds a query-string source, e.g. <c>workspaceId</c>.</summary>
    public WorkspaceOptions FromQuery(string name) { Sources.Add(new(WorkspaceSourceKind.Query, name)); return this; }

    /// <summary>Adds a route-value source, e.g. <c>workspaceId</c> in <c>/workspaces/{workspaceId}/tasks</c>.</summary>
    public WorkspaceOptions FromRoute(string name) { Sources.Add(new(WorkspaceSourceKind.Route, name)); return this; }

    internal IReadOnlyList<WorkspaceSource> Effective => Sources.Count > 0
        ? Sources
        : [new(WorkspaceSourceKind.Header, "Workspace"), new(WorkspaceSourceKind.Query, "workspaceId"), new(WorkspaceSourceKind.Route, "workspaceId")];
}

/// <summary>A place a workspace id is read from.</summary>
public sealed record WorkspaceSource(WorkspaceSourceKind Kind, string Name)
{
    /// <summary>How people are told to pass it, e.g. <c>the 'Krenalis-Workspace' header</c>.</summary>
    public string Describe() => Kind switch
    {
        WorkspaceSourceKind.Header => $"the '{Name}' header",
        WorkspaceSourceKind.Query => $"the '{Name}' query parameter",
        _ => $"the '{{{Name}}}' route segment",
    };
}

/// <summary>Kinds of <see cref="WorkspaceSource"/>.</summary>
public enum WorkspaceSourceKind
{
    /// <summary>A request header.</summary>
    Header,

    /// <summary>A query-string parameter.</summary>
    Query,

    /// <summary>A route value.</summary>
    Route,
}

/// <summary>The organizations key: supplied by an environment variable, never stored.</summary>
public sealed class OrganizationsKeyOptions
{
    /// <summary>The variable holding the key, e.g. <c>KRENALIS_ORGANIZATIONS_KEY</c>. Null: organizations endpoints are disabled (404).</summary>
    public string? EnvironmentVariable { get; set; }
}

/// <summary>CORS for event-ingestion endpoints.</summary>
public sealed class EventIngestionOptions
{
    /// <summary>Origins browsers may send events from; empty means any origin. Credentials are never allowed.</summary>
    public List<string> AllowedOrigins { get; } = [];
}

/// <summary>Per-key rate limits.</summary>
public sealed class KeyRateLimitOptions
{
    /// <summary>Whether keys are rate limited at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests a key may make per minute, unless the key or the endpoint says otherwise.</summary>
    public int RequestsPerMinute { get; set; } = 100;

    /// <summary>Failed authentications a client address may make per minute before it gets 429 (brute-force guard).</summary>
    public int FailedAttemptsPerMinute { get; set; } = 30;
}
