namespace Declarative.Auth;

/// <summary>A refusal: the status, a code from <see cref="AuthErrorCodes"/>, and a message for people.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Code">Machine-readable code.</param>
/// <param name="Message">What went wrong and how to fix it. Never contains a secret.</param>
/// <param name="RequiredPermissions">For 403: what the endpoint requires.</param>
public sealed record AuthError(int Status, string Code, string Message, IReadOnlyList<string>? RequiredPermissions = null)
{
    /// <summary>Bodies and headers derived from this error, so a refusal served again is not rebuilt. Not part of its value.</summary>
    internal readonly RefusalCache Cache = new();

    internal static readonly AuthError MissingKey = new(401, AuthErrorCodes.Unauthorized,
        "Missing API key. Send it as 'Authorization: Bearer <key>'.");

    internal static readonly AuthError MalformedHeader = new(401, AuthErrorCodes.Unauthorized,
        "Malformed Authorization header. Send exactly one 'Authorization: Bearer <key>' header.");

    internal static readonly AuthError InvalidKey = new(401, AuthErrorCodes.Unauthorized, "Invalid API key provided");

    internal static readonly AuthError Expired = new(401, AuthErrorCodes.KeyExpired, "The API key has expired.");

    internal static readonly AuthError Revoked = new(401, AuthErrorCodes.KeyRevoked, "The API key has been revoked.");

    internal static readonly AuthError Undeclared = new(403, AuthErrorCodes.Forbidden,
        "This endpoint has no auth declaration, so it is denied.");

    internal static readonly AuthError Misdeclared = new(403, AuthErrorCodes.Forbidden,
        "This endpoint's auth declaration is invalid (the app's log says why), so it is denied.");

    internal static readonly AuthError Unavailable = new(503, AuthErrorCodes.AuthUnavailable,
        "API keys cannot be verified right now. Retry later.");

    internal static readonly AuthError PolicyDenied = new(403, AuthErrorCodes.Forbidden,
        "The API key does not satisfy this endpoint's authorization policy.");

    internal static readonly AuthError KeyInUrl = new(401, AuthErrorCodes.Unauthorized,
        "API keys are never accepted in the URL. Send the key as 'Authorization: Bearer <key>' and rotate the key that was sent in the URL.");

    internal static readonly AuthError EventWriteKeyElsewhere = new(403, AuthErrorCodes.Forbidden,
        "Event write keys are accepted only by event ingestion endpoints. Use an API key for this endpoint.");

    internal static readonly AuthError EventWriteKeyOnly = new(403, AuthErrorCodes.Forbidden,
        "This event ingestion endpoint accepts event write keys only.");

    internal static readonly AuthError TooManyFailures = new(429, AuthErrorCodes.RateLimited,
        "Too many failed authentication attempts from this address. Retry after the time in Retry-After.");

    /// <summary>
    /// For a 429 of a key's limit: the limit's name, written as the problem body's <c>violated-policies</c> member
    /// (draft-ietf-httpapi-ratelimit-headers' quota problem), the same name as in <c>RateLimit-Policy</c>.
    /// </summary>
    internal IReadOnlyList<string>? ViolatedPolicies { get; init; }

    internal static AuthError RateLimited(string name, int limit, string per) => new(429, AuthErrorCodes.RateLimited,
        $"Rate limit '{name}' of {limit} requests per {per} exceeded for this API key. Retry after the time in Retry-After.")
    {
        ViolatedPolicies = [name],
    };

    internal static AuthError WorkspaceRequired(string howToPass) => new(400, AuthErrorCodes.WorkspaceRequired,
        $"This endpoint works inside a workspace: pass its id in {howToPass}.");

    internal static AuthError WorkspaceMalformed(string howToPass) => new(400, AuthErrorCodes.WorkspaceRequired,
        $"The workspace id is empty, repeated or too long: pass one id (at most 128 characters) in {howToPass}.");

    internal static AuthError WorkspaceMismatch(string disagreement) => new(400, AuthErrorCodes.WorkspaceMismatch,
        $"The request names different workspaces: {disagreement}. Name one workspace, the same everywhere it appears.");

    internal static AuthError WrongWorkspace(string restricted, string named) => new(403, AuthErrorCodes.Forbidden,
        $"This API key is restricted to workspace '{restricted}' and cannot be used in workspace '{named}'.");

    internal static AuthError ForFormat(KeyFormatError error, ApiKeyFormat format) => error switch
    {
        KeyFormatError.WrongEnvironment => new(401, AuthErrorCodes.Unauthorized,
            $"This API accepts {ApiKeyFormat.EnvironmentName(format.Environment)} keys; the key sent is for another environment."),
        KeyFormatError.WrongPrefix => new(401, AuthErrorCodes.Unauthorized,
            $"Invalid API key provided: keys for this API start with '{format.Prefix}_'."),
        KeyFormatError.BadChecksum => new(401, AuthErrorCodes.Unauthorized,
            "Invalid API key provided: its checksum does not match. Check that it was copied whole."),
        _ => InvalidKey,
    };

    internal static AuthError MissingPermissions(IReadOnlyList<string> required, IEnumerable<string> missing)
        => new(403, AuthErrorCodes.Forbidden,
            $"The API key lacks the required permission: {string.Join(", ", missing)}.", required);
}
