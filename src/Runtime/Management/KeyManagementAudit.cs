using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Declarative.Auth;

/// <summary>
/// Marks the management API's endpoints, so that a call to one refused before it ran (401 no or bad key, 403 not
/// admin, 429) is recorded in the audit log as <c>denied</c>, as are calls the API itself refuses (400, 403, 404, 409).
/// </summary>
internal sealed class KeyManagementAudit
{
    public static readonly KeyManagementAudit Metadata = new();

    private KeyManagementAudit()
    {
    }

    /// <summary>Called for every refusal; records only those of management endpoints.</summary>
    public static void Refused(KeyAuditLog audit, HttpContext context, AuthError error, ApiKey? key)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<KeyManagementAudit>() is null)
            return;
        // Never awaited: the refusal is not slowed by the store, and the log never throws (it holds what fails).
        _ = audit.RecordDeniedAsync(key?.Id ?? "anonymous", TargetOf(context), Describe(context, error.Status, error.Code), key?.Workspace);
    }

    /// <summary>A call the management API refused after it ran (bad body, not found, another workspace, conflict).</summary>
    public static Task Failed(KeyAuditLog audit, HttpContext context, int status, string code)
    {
        var caller = context.Features.Get<IApiKeyFeature>()?.Key;
        return audit.RecordDeniedAsync(caller?.Id ?? "anonymous", TargetOf(context), Describe(context, status, code), caller?.Workspace);
    }

    // The id in the route is whatever the caller sent: the audit log bounds and cleans it (KeyAuditText).
    private static string? TargetOf(HttpContext context) => context.Request.RouteValues["id"] as string;

    // The route's template, not the raw path: the template is the app's text, the path the caller's.
    private static string Describe(HttpContext context, int status, string code)
        => $"{status} {code}: {context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(management endpoint)"}";
}
