using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// <c>{"success":false,"error":{"code":"UNAUTHORIZED","message":"…"}}</c> (<c>application/json</c>), the shape
/// Kener's docs promise. Messages can be replaced per code, or chosen per error by <paramref name="messageFor"/>
/// (return null to keep the default); <paramref name="codes"/> renames codes (e.g. KEY_REVOKED → UNAUTHORIZED).
/// </summary>
public sealed class EnvelopeAuthErrorWriter(
    IReadOnlyDictionary<string, string>? messages = null,
    Func<AuthError, string?>? messageFor = null,
    IReadOnlyDictionary<string, string>? codes = null) : IAuthErrorWriter
{
    /// <inheritdoc />
    public async Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, ErrorJson.Options);
        json.WriteStartObject();
        json.WriteBoolean("success", false);
        json.WriteStartObject("error");
        json.WriteString("code", codes?.GetValueOrDefault(error.Code) ?? error.Code);
        json.WriteString("message", messageFor?.Invoke(error) ?? messages?.GetValueOrDefault(error.Code) ?? error.Message);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

/// <summary>
/// <c>{"error":"unauthorized","message":"…"}</c> (<c>application/json</c>), the shape FloKit's docs promise:
/// the code in lower case. Messages can be replaced per code, or chosen per error by <paramref name="messageFor"/>
/// (return null to keep the default); <paramref name="codes"/> renames codes before lower-casing
/// (e.g. KEY_REVOKED → UNAUTHORIZED when the docs promise only "unauthorized").
/// </summary>
public sealed class FlatAuthErrorWriter(
    IReadOnlyDictionary<string, string>? messages = null,
    Func<AuthError, string?>? messageFor = null,
    IReadOnlyDictionary<string, string>? codes = null) : IAuthErrorWriter
{
    /// <inheritdoc />
    public async Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, ErrorJson.Options);
        json.WriteStartObject();
        var code = codes?.GetValueOrDefault(error.Code) ?? error.Code;
        json.WriteString("error", code.ToLowerInvariant());
        json.WriteString("message", messageFor?.Invoke(error) ?? messages?.GetValueOrDefault(code) ?? error.Message);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

internal static class ErrorJson
{
    // The body is JSON, never HTML: keep quotes and angle brackets readable in messages.
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
