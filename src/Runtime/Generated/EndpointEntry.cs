using System.ComponentModel;

namespace Declarative.Auth;

/// <summary>One row of the generated route → permission table.</summary>
/// <param name="HttpMethods">Upper-case methods, e.g. <c>GET</c>; empty when the endpoint answers any method.</param>
/// <param name="Route">The full route template with group prefixes and controller routes combined, starting with '/'; null when it is not a compile-time constant.</param>
/// <param name="Permissions">The permissions required (all of them), ordinal order; empty unless <paramref name="Access"/> is <see cref="EndpointAccess.Key"/>.</param>
/// <param name="Access">How the endpoint was declared.</param>
/// <param name="Handler">The handler's display name, e.g. <c>MonitorsController.List</c> or <c>lambda</c>.</param>
/// <param name="SourceFile">The declaring file, relative to the project directory with '/' separators.</param>
/// <param name="Line">The 1-based line of the <c>Map*</c> call or the action method.</param>
[EditorBrowsable(EditorBrowsableState.Never)] // used by generated code only: public because it runs in the app's assembly
public sealed record EndpointEntry(
    IReadOnlyList<string> HttpMethods,
    string? Route,
    IReadOnlyList<string> Permissions,
    EndpointAccess Access,
    string Handler,
    string SourceFile,
    int Line)
{
    /// <summary>With <see cref="EndpointAccess.Key"/>: a caller the app's own authorization accepts may call it without a key.</summary>
    public bool OrAuthorization { get; init; }

    /// <summary>With <see cref="EndpointAccess.Key"/>: an event-ingestion endpoint (<see cref="EventIngestionAttribute"/>), which accepts event write keys.</summary>
    public bool EventIngestion { get; init; }

    /// <summary>The endpoint is workspace-scoped (<see cref="RequiresWorkspaceAttribute"/>): the request must name a workspace.</summary>
    public bool Workspace { get; init; }
}
