namespace Declarative.Auth;

/// <summary>The permission strings: <c>read:x</c>, <c>write:x</c>, <c>delete:x</c> and <c>admin</c>.</summary>
public static class PermissionName
{
    /// <summary>The permission that grants everything.</summary>
    public const string Admin = "admin";

    /// <summary>Formats a declaration as its permission string.</summary>
    /// <exception cref="ArgumentException">The scope is missing, malformed, or given to <see cref="KeyType.Admin"/>.</exception>
    public static string Format(KeyType type, string? scope)
    {
        if (type == KeyType.Admin)
        {
            if (!string.IsNullOrEmpty(scope))
                throw new ArgumentException($"KeyType.Admin takes no scope (got '{scope}'); write [RequiresKey(KeyType.Admin)].", nameof(scope));
            return Admin;
        }

        if (!IsValidScope(scope))
            throw new ArgumentException($"Scope '{scope}' is not valid; a scope is lowercase letters, digits, '-', '_' or '.', e.g. Scope = \"events\".", nameof(scope));

        if (type is not (KeyType.Read or KeyType.Write or KeyType.Delete))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown KeyType.");
        return Rules.PermissionText.Format((int)type, scope);
    }

    /// <summary>True for a scope made of lowercase ASCII letters, digits, '-', '_' and '.', starting with a letter.</summary>
    public static bool IsValidScope(string? scope) => Rules.PermissionText.IsValidScope(scope);

    /// <summary>Parses <c>action:scope</c> or <c>admin</c>.</summary>
    public static bool TryParse(string? permission, out KeyType type, out string? scope)
    {
        type = default;
        scope = null;
        if (permission == Admin)
        {
            type = KeyType.Admin;
            return true;
        }
        if (permission is null)
            return false;
        var colon = permission.IndexOf(':');
        if (colon <= 0)
            return false;
        var action = permission.AsSpan(0, colon);
        var candidate = permission[(colon + 1)..];
        if (!IsValidScope(candidate))
            return false;
        switch (action)
        {
            case "read": type = KeyType.Read; break;
            case "write": type = KeyType.Write; break;
            case "delete": type = KeyType.Delete; break;
            default: return false;
        }
        scope = candidate;
        return true;
    }
}
