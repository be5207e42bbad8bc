namespace Declarative.Auth;

/// <summary>The machine-readable codes of refusals.</summary>
public static class AuthErrorCodes
{
    /// <summary>401: no key, or a key that is not valid.</summary>
    public const string Unauthorized = "UNAUTHORIZED";

    /// <summary>403: a valid key that lacks what the endpoint requires.</summary>
    public const string Forbidden = "FORBIDDEN";

    /// <summary>401: the key has expired.</summary>
    public const string KeyExpired = "KEY_EXPIRED";

    /// <summary>401: the key has been revoked.</summary>
    public const string KeyRevoked = "KEY_REVOKED";

    /// <summary>429: too many requests for this key, or too many failed attempts from this address.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>400: a workspace-scoped endpoint was called without naming a workspace.</summary>
    public const string WorkspaceRequired = "WORKSPACE_REQUIRED";

    /// <summary>400: the request names different workspaces in different places (header, query, route).</summary>
    public const string WorkspaceMismatch = "WORKSPACE_MISMATCH";

    /// <summary>503: the key store cannot answer; nothing is let through.</summary>
    public const string AuthUnavailable = "AUTH_UNAVAILABLE";
}
