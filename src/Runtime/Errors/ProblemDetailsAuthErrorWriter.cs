using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Declarative.Auth;

/// <summary>
/// The default body: RFC 9457 problem details (<c>application/problem+json</c>) with a <c>code</c> member,
/// as ASP.NET Core's ProblemDetails writes them. Written with <see cref="Utf8JsonWriter"/>, so no reflection.
/// </summary>
public sealed class ProblemDetailsAuthErrorWriter : IAuthErrorWriter
{
    // The body is JSON, never HTML: keep quotes and angle brackets readable in messages.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public async Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/problem+json";
        await using var json = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        json.WriteStartObject();
        json.WriteString("type", TypeFor(error.Status));
        json.WriteString("title", ReasonPhrases.GetReasonPhrase(error.Status));
        json.WriteNumber("status", error.Status);
        json.WriteString("detail", error.Message);
        json.WriteString("code", error.Code);
        if (error.RequiredPermissions is { Count: > 0 } required)
        {
            json.WriteStartArray("requiredPermissions");
            foreach (var p in required)
                json.WriteStringValue(p);
            json.WriteEndArray();
        }
        json.WriteString("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static string TypeFor(int status) => status switch
    {
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
