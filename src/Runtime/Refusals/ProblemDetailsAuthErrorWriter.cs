using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Declarative.Auth;

/// <summary>
/// The fast problem-details body (opt in with <c>UseErrorWriter(new ProblemDetailsAuthErrorWriter())</c>; the default
/// writes through the app's <c>IProblemDetailsService</c>): RFC 9457 problem details (<c>application/problem+json</c>) with a <c>code</c> member,
/// as ASP.NET Core's ProblemDetails writes them. Written with <see cref="Utf8JsonWriter"/>, so no reflection:
/// once per error for everything before the trace id, then per request only the escaped trace id.
/// </summary>
public sealed class ProblemDetailsAuthErrorWriter : IAuthErrorWriter
{
    private static readonly RefusalCache.Builder<byte[]> BuildPrefix = static (status, code, message, required) => Prefix(status, code, message, required, null);

    private static readonly RefusalCache.Builder<byte[]> BuildLimitedPrefix = static (status, code, message, violated) => Prefix(status, code, message, null, violated);

    private static ReadOnlySpan<byte> Suffix => "\"}"u8;

    /// <inheritdoc />
    public Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/problem+json";
        var prefix = error.ViolatedPolicies is { } violated
            ? error.Cache.LimitedProblemDetails(error, violated, BuildLimitedPrefix)
            : error.Cache.ProblemDetails(error, BuildPrefix);
        return ErrorBody.WriteAsync(context, prefix, Activity.Current?.Id ?? context.TraceIdentifier, Suffix);
    }

    // {"type":…,"title":…,"status":…,"detail":…,"code":…[,"requiredPermissions":[…]][,"violated-policies":[…]],"traceId":"
    // — the trace id and "} follow.
    private static byte[] Prefix(int status, string code, string message, IReadOnlyList<string>? required, IReadOnlyList<string>? violated)
    {
        var json = ErrorBody.Serialize((status, code, message, required, violated), static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteString("type", TypeFor(e.status));
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(e.status));
            json.WriteNumber("status", e.status);
            json.WriteString("detail", e.message);
            json.WriteString("code", e.code);
            if (e.required is { Count: > 0 } permissions)
            {
                json.WriteStartArray("requiredPermissions");
                foreach (var p in permissions)
                    json.WriteStringValue(p);
                json.WriteEndArray();
            }
            if (e.violated is { Count: > 0 } names)
            {
                json.WriteStartArray(ViolatedPoliciesMember);
                foreach (var n in names)
                    json.WriteStringValue(n);
                json.WriteEndArray();
            }
            json.WritePropertyName("traceId");
        });
        return [.. json, (byte)'"'];
    }

    /// <summary>The member draft-ietf-httpapi-ratelimit-headers gives a quota problem: the names of the limits that refused.</summary>
    internal const string ViolatedPoliciesMember = "violated-policies";

    internal static string TypeFor(int status) => status switch
    {
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
