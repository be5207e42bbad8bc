using System.Text.Json;

namespace Declarative.Auth.Testing;

/// <summary>
/// Reads the <c>code</c> of a refusal in the shapes error writers use: <c>code</c> at the top (problem details),
/// under <c>error</c> (an envelope), or <c>error</c> itself (a flat body).
/// </summary>
internal static class RefusalCode
{
    private static readonly HashSet<string> Ours =
    [
        AuthErrorCodes.Unauthorized, AuthErrorCodes.Forbidden, AuthErrorCodes.KeyExpired, AuthErrorCodes.KeyRevoked,
        AuthErrorCodes.RateLimited, AuthErrorCodes.WorkspaceRequired, AuthErrorCodes.WorkspaceMismatch, AuthErrorCodes.AuthUnavailable,
    ];

    public static bool IsOurs(string? code) => code is not null && Ours.Contains(code);

    public static string? Read(string? mediaType, string body)
    {
        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || body.Length == 0)
            return null;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            if (Code(root) is { } top)
                return top;
            if (!root.TryGetProperty("error", out var error))
                return null;
            return error.ValueKind switch
            {
                JsonValueKind.Object => Code(error), // {"success":false,"error":{"code":"…"}}
                JsonValueKind.String => error.GetString(), // {"error":"unauthorized","message":"…"}
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Code(JsonElement element)
        => element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
}
