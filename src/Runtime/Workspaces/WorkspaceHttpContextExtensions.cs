using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

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

/// <summary>
/// Finds the workspace a request names. Every configured source is read, and all that name one must agree: the first
/// with a value does not win, or a key restricted to <c>ws_a</c> could say <c>Workspace: ws_a</c> on
/// <c>/w/ws_b/items</c> and have its handler work in <c>ws_b</c>.
/// </summary>
internal sealed class WorkspaceResolver(IOptions<DeclarativeAuthOptions> options)
{
    private readonly WorkspaceSource[] _sources = [.. options.Value.Workspace.Effective];

    public string HowToPass => string.Join(" or ", _sources.Select(s => s.Describe()));

    /// <summary>
    /// Null when the request may go on (and, when it works in a workspace, <see cref="IWorkspaceFeature"/> is set);
    /// else the refusal. Workspace-scoped endpoints need one; a restricted key must match every source that names one.
    /// </summary>
    public AuthError? Enter(HttpContext context, EndpointPolicy policy, ApiKey key)
    {
        if (!policy.RequiresWorkspace && key.Workspace is null)
            return null;
        var named = Resolve(context, out var refusal);
        if (refusal is not null)
            return refusal;
        if (key.Workspace is { } restricted)
        {
            if (named is not null && !string.Equals(named, restricted, StringComparison.Ordinal))
                return AuthError.WrongWorkspace(restricted, named);
            named = restricted;
        }
        else if (named is null)
        {
            return AuthError.WorkspaceRequired(HowToPass);
        }
        context.Features.Set<IWorkspaceFeature>(new WorkspaceFeature(named));
        return null;
    }

    /// <summary>The one workspace every source that names one agrees on, or null when none does.</summary>
    public string? Resolve(HttpContext context, out AuthError? refusal)
    {
        refusal = null;
        string? agreed = null;
        WorkspaceSource? first = null;
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
                refusal = AuthError.WorkspaceMalformed(HowToPass);
                return null;
            }
            if (agreed is null)
            {
                (agreed, first) = (value, source);
            }
            else if (!string.Equals(agreed, value, StringComparison.Ordinal))
            {
                refusal = AuthError.WorkspaceMismatch($"{first!.Describe()} says '{agreed}', {source.Describe()} says '{value}'");
                return null;
            }
        }
        return agreed;
    }
}
