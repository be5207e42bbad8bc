namespace Declarative.Auth;

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
