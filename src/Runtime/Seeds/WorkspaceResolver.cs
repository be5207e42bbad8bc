using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>The workspace a request works in, set by the verifier on workspace-scoped endpoints and restricted keys.</summary>
public interface IWorkspaceFeature
{
    /// <summary>The workspace id.</summary>
    string WorkspaceId { get; }
}

/// <summary>Reading the resolved workspace in handlers.</summary>
public static class WorkspaceHttpContextExtensions
{
    /// <summary>The workspace the verifier resolved for this request, or null.</summary>
    public static string? GetWorkspace(this HttpContext context) => context.Features.Get<IWorkspaceFeature>()?.WorkspaceId;
}

internal sealed class WorkspaceFeature(string id) : IWorkspaceFeature
{
    public string WorkspaceId { get; } = id;
}

/// <summary>Finds the workspace a request names, in the configured order.</summary>
internal sealed class WorkspaceResolver(IOptions<DeclarativeAuthOptions> options)
{
    private readonly IReadOnlyList<WorkspaceSource> _sources = options.Value.Workspace.Effective;

    public string HowToPass => string.Join(" or ", _sources.Select(s => s.Describe()));

    /// <summary>The first source with a value; <paramref name="malformed"/> when a value is empty, too long or has control characters.</summary>
    public string? Resolve(HttpContext context, out bool malformed)
    {
        malformed = false;
        foreach (var source in _sources)
        {
            string? value = source.Kind switch
            {
                WorkspaceSourceKind.Header => context.Request.Headers.TryGetValue(source.Name, out var h) ? (h.Count == 1 ? h[0] : "") : null,
                WorkspaceSourceKind.Query => context.Request.Query.TryGetValue(source.Name, out var q) ? (q.Count == 1 ? q[0] : "") : null,
                _ => context.Request.RouteValues.TryGetValue(source.Name, out var r) ? r?.ToString() : null,
            };
            if (value is null)
                continue;
            if (value.Length is 0 or > 128 || value.Any(char.IsControl))
            {
                malformed = true;
                return null;
            }
            return value;
        }
        return null;
    }
}
