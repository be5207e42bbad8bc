using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>
/// The endpoint works inside a workspace: the request names it (header, query parameter or route value, as
/// configured in <see cref="WorkspaceOptions"/>), or the key is restricted to one. Read it in the handler with
/// <c>HttpContext.GetWorkspace()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresWorkspaceAttribute : Attribute, IRequiresWorkspaceMetadata;
