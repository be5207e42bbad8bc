using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// <c>{"success":false,"error":{"code":"UNAUTHORIZED","message":"…"}}</c> (<c>application/json</c>): the error
/// wrapped in a success envelope. Messages can be replaced per code, or chosen per error by <paramref name="messageFor"/>
/// (return null to keep the default); <paramref name="codes"/> renames codes (e.g. KEY_REVOKED → UNAUTHORIZED).
/// </summary>
public sealed class EnvelopeAuthErrorWriter(
    IReadOnlyDictionary<string, string>? messages = null,
    Func<AuthError, string?>? messageFor = null,
    IReadOnlyDictionary<string, string>? codes = null) : IAuthErrorWriter
{
    private static readonly RefusalCache.Builder<byte[]> Build = static (_, code, message, _) =>
        ErrorBody.Serialize((code, message), static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteBoolean("success", false);
            json.WriteStartObject("error");
            json.WriteString("code", e.code);
            json.WriteString("message", e.message);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    /// <inheritdoc />
    public Task WriteAsync(HttpContext context, AuthError error)
    {
        context.Response.ContentType = "application/json";
        // Looked up per request (the dictionaries and messageFor stay live); serialized once per code and message.
        var code = codes?.GetValueOrDefault(error.Code) ?? error.Code;
        var message = messageFor?.Invoke(error) ?? messages?.GetValueOrDefault(error.Code) ?? error.Message;
        return ErrorBody.WriteAsync(context, error.Cache.WriterBody(Build, code, message));
    }
}
