namespace Declarative.Auth.Testing;

/// <summary>
/// Fits a case's key to the running app: the table lists the permissions of the whole assembly, but the app's key
/// service accepts only scopes its live endpoints use (an assembly may hold several apps, like the seeds).
/// </summary>
internal static class KeyFit
{
    public static MintRequest ForApp(MintRequest key, AuthCase @case, IReadOnlyCollection<string> known)
    {
        if (key.SourceConnection is not null || known.Count <= 1)
            return key;
        var scopes = known.Select(ScopeOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        bool Known(string p) => p == PermissionName.Admin || (ScopeOf(p) is { } scope && scopes.Contains(scope));
        if (key.Permissions.All(Known))
            return key;

        string[] held = [.. key.Permissions.Where(Known)];
        if (held.Length == 0 && @case.Kind == CaseKind.Lacking && !string.IsNullOrEmpty(@case.Missing))
        {
            // Same scope, not granting what is missing: delete:x lacks read:x, read:x lacks write:x and delete:x.
            held = [.. known.Concat(ContractCases.Siblings(@case.Missing)).Where(p => p != PermissionName.Admin && Known(p) && !ContractCases.Grants(p, @case.Missing)).Distinct()];
        }
        if (held.Length == 0)
            held = [.. known.Where(p => p != PermissionName.Admin && (@case.Kind != CaseKind.Lacking || !ContractCases.Grants(p, @case.Missing ?? ""))).Take(1)];
        return key with { Permissions = held.Length > 0 ? held : [PermissionName.Admin] };
    }

    private static string? ScopeOf(string permission)
        => PermissionName.TryParse(permission, out _, out var scope) ? scope : null;
}
