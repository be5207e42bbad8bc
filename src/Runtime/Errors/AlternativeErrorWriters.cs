using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// <c>{"success":false,"error":{"code":"UNAUTHORIZED","message":"…"}}</c> (<c>application/json</c>), the shape
/// Kener's docs promise. Messages can be replaced per code.
/// </summary>
public sealed class EnvelopeAuthErrorWriter(IReadOnlyDictionary<string, string>? messages = null) : IAuthErrorWriter
{
    /// <inheritdoc />
    public async Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, ErrorJson.Options);
        json.WriteStartObject();
        json.WriteBoolean("success", false);
        json.WriteStartObject("error");
        json.WriteString("code", error.Code);
        json.WriteString("message", messages?.GetValueOrDefault(error.Code) ?? error.Message);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

/// <summary>
/// <c>{"error":"unauthorized","message":"…"}</c> (<c>application/json</c>), the shape FloKit's docs promise:
/// the code in lower case. Messages can be replaced per code.
/// </summary>
public sealed class FlatAuthErrorWriter(IReadOnlyDictionary<string, string>? messages = null) : IAuthErrorWriter
{
    /// <inheritdoc />
    public async Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, ErrorJson.Options);
        json.WriteStartObject();
        json.WriteString("error", error.Code.ToLowerInvariant());
        json.WriteString("message", messages?.GetValueOrDefault(error.Code) ?? error.Message);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

internal static class ErrorJson
{
    // The body is JSON, never HTML: keep quotes and angle brackets readable in messages.
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
