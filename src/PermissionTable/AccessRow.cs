namespace Declarative.Auth.Tables;

/// <summary>One method of one endpoint, as permissions.json describes who may call it.</summary>
internal sealed record AccessRow(
    string Method,
    string Route,
    string Access,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<string> KeyKinds,
    bool WorkspaceScoped,
    bool DisabledWithoutOrganizationsKey,
    bool Cors,
    string? OrAuthorization)
{
    /// <summary>"GET /api/monitors/{id}": how the reports and the approvals file name an endpoint.</summary>
    public string Name => Method + " " + Route;
}
