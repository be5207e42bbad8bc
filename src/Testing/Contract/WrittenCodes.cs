using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Testing;

/// <summary>
/// The <c>code</c> the app's own <see cref="IAuthErrorWriter"/> writes for a refusal: an app may answer in its own
/// shape (FloKit's <c>{"error":"unauthorized"}</c>, an envelope that renames codes), and the contract compares what
/// was answered with what the same writer writes, not with a second copy of any shape.
/// </summary>
internal sealed class WrittenCodes(IServiceProvider services)
{
    private readonly ConcurrentDictionary<AuthError, string?> _written = new();

    /// <summary>Every refusal of ours that is not a 401/403 (those are checked by status and code separately).</summary>
    private static readonly AuthError[] OtherRefusals =
    [
        AuthError.TooManyFailures, AuthError.RateLimited("minute", 1, "minute"), AuthError.Unavailable,
        AuthError.WorkspaceRequired("the 'Workspace' header"), AuthError.WorkspaceMismatch("the sources disagree"),
    ];

    public async Task<string?> OfAsync(AuthError error)
    {
        if (_written.TryGetValue(error, out var code))
            return code;
        using var scope = services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        using var body = new MemoryStream();
        context.Response.Body = body;
        context.Response.StatusCode = error.Status;
        await services.GetRequiredService<IAuthErrorWriter>().WriteAsync(context, error).ConfigureAwait(false);
        code = RefusalCode.Read(context.Response.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray())) ?? error.Code;
        return _written[error] = code;
    }

    /// <summary>True when <paramref name="answer"/> is one of our refusals that is not a 401/403 (400 workspace, 429, 503).</summary>
    public async Task<bool> IsOtherRefusalAsync(Answer answer)
    {
        foreach (var error in OtherRefusals)
        {
            if (answer.Status == error.Status && (answer.Code == error.Code || answer.Code == await OfAsync(error).ConfigureAwait(false)))
                return true;
        }
        return false;
    }
}
