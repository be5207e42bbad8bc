using System.Text.Json;

namespace Declarative.Auth.Testing;

/// <summary>
/// Reads the <c>code</c> of a refusal whatever error writer the app uses: problem details and the flat body carry it
/// at the top, the envelope under <c>error</c>.
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
            return root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object ? Code(error) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Code(JsonElement element)
        => element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
}
