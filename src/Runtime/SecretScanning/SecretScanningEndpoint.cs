using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// Leaked keys revoke themselves: an endpoint for secret-scanning partner alerts (GitHub's format). The body is a
/// JSON array of <c>{"token","type","url","source"}</c>, signed with ECDSA P-256 / SHA-256 over the raw body
/// (<c>Github-Public-Key-Identifier</c>, <c>Github-Public-Key-Signature</c>: base64 DER). Every token in this app's
/// key format that is a stored key is revoked; the answer labels each token by its SHA-256 (never echoing a
/// secret): <c>true_positive</c> for our keys, <c>false_positive</c> otherwise.
/// </summary>
public static class SecretScanningEndpoint
{
    internal const string KeyIdentifierHeader = "Github-Public-Key-Identifier";
    internal const string SignatureHeader = "Github-Public-Key-Signature";

    /// <summary>
    /// Maps <c>POST <paramref name="path"/></c>. It takes no API key (the scanner has none): the signature is its
    /// authentication, checked against <see cref="DeclarativeAuthOptions.SecretScanning"/>'s public keys.
    /// </summary>
    public static IEndpointConventionBuilder MapSecretScanningEndpoint(this IEndpointRouteBuilder endpoints, string path = "/secret-scanning/alerts")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost(path, (RequestDelegate)HandleAsync).AllowAnonymous().WithName("DeclarativeAuth.SecretScanning");
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<DeclarativeAuthOptions>>().Value;
        var errors = services.GetRequiredService<IAuthErrorWriter>();
        var body = await SecretScanningAlert.ReadBodyAsync(context.Request, options.SecretScanning.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            await Refuse(context, errors, 413, "PAYLOAD_TOO_LARGE", $"An alert body is at most {options.SecretScanning.MaxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }
        if (!SecretScanningAlert.IsSignedBy(options.SecretScanning, context.Request.Headers[KeyIdentifierHeader], context.Request.Headers[SignatureHeader], body))
        {
            await Refuse(context, errors, 401, "INVALID_SIGNATURE",
                $"The alert must be signed by a configured scanner key: send {KeyIdentifierHeader} and {SignatureHeader} (base64 ECDSA P-256 SHA-256 of the body).").ConfigureAwait(false);
            return;
        }
        if (SecretScanningAlert.Parse(body, options.SecretScanning.MaxTokens, out var matches) is { } problem)
        {
            await Refuse(context, errors, 400, "INVALID_REQUEST", problem).ConfigureAwait(false);
            return;
        }

        var format = services.GetRequiredService<ApiKeyFormat>();
        var time = services.GetRequiredService<TimeProvider>();
        var store = new TimeLimitedApiKeyStore(services.GetRequiredService<IApiKeyStore>(), options.StoreTimeout, time);
        var keys = services.GetRequiredService<ApiKeyService>().For(null, options.StoreTimeout).As("secret-scanning");
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecretScanningEndpoint).FullName!);
        var labels = new List<SecretScanningAlert.Label>(matches.Count);
        try
        {
            foreach (var match in matches)
            {
                var hash = KeyHash.Compute(match.Token);
                var key = format.Check(match.Token) == KeyFormatError.None
                    ? await store.FindAsync(hash, context.RequestAborted).ConfigureAwait(false)
                    : null;
                if (key is not null && !key.IsRevoked(time.GetUtcNow()))
                {
                    // The URL is the scanner's (signed) report; the audit log bounds and cleans it like any text.
                    await keys.RevokeAsync(key.Id, $"found public by secret scanning at {match.Url} ({match.Source})", context.RequestAborted).ConfigureAwait(false);
                    SecretScanningLog.Revoked(logger, key.Id, key.Name, match.Url, match.Source);
                }
                labels.Add(new(hash.ToHex(), match.Type, key is null ? "false_positive" : "true_positive"));
            }
        }
        catch (KeyStoreUnavailableException)
        {
            // The scanner retries a failed delivery: better a 503 now than a leaked key left working.
            context.Response.Headers.RetryAfter = "1";
            await Refuse(context, errors, 503, AuthError.Unavailable.Code, AuthError.Unavailable.Message).ConfigureAwait(false);
            return;
        }
        await context.Response.WriteAsJsonAsync(labels, SecretScanningJsonContext.Default.ListLabel, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }

    private static Task Refuse(HttpContext context, IAuthErrorWriter errors, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return errors.WriteAsync(context, new AuthError(status, code, message));
    }
}
