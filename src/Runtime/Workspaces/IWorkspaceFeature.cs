using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>The workspace a request works in, set by the verifier on workspace-scoped endpoints and restricted keys.</summary>
public interface IWorkspaceFeature
{
    /// <summary>The workspace id.</summary>
    string WorkspaceId { get; }
}
