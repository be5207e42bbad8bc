using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// The default body: problem details written by the app's <see cref="IProblemDetailsService"/> when it has one
/// (<c>AddProblemDetails()</c>), so its <c>CustomizeProblemDetails</c> and writers apply to refusals as to every other
/// error; the body keeps its <c>code</c> (and <c>requiredPermissions</c>, <c>violated-policies</c>). Without the service, or when no writer of
/// the app's accepts the request, the same shape comes from <see cref="ProblemDetailsAuthErrorWriter"/>, which is
/// also the opt-in fast writer (cached bytes, no per-refusal serialization).
/// </summary>
internal sealed class ProblemDetailsServiceErrorWriter(IServiceProvider services) : IAuthErrorWriter
{
    private static readonly ProblemDetailsAuthErrorWriter Cached = new();
    private readonly IProblemDetailsService? _problems = services.GetService<IProblemDetailsService>();

    // Without the service this is the cached writer's own Task: no async state machine on every refusal (measured:
    // the wrapper was most of what the 401/403 paths gained between 4e7e196 and 514fe29, benchmarks/RESULTS.md).
    public Task WriteAsync(HttpContext context, AuthError error)
        => _problems is null ? Cached.WriteAsync(context, error) : WriteThroughService(_problems, context, error);

    private static async Task WriteThroughService(IProblemDetailsService problems, HttpContext context, AuthError error)
    {
        if (!await problems.TryWriteAsync(Context(context, error)).ConfigureAwait(false))
            await Cached.WriteAsync(context, error).ConfigureAwait(false);
    }

    private static ProblemDetailsContext Context(HttpContext context, AuthError error)
    {
        var details = new ProblemDetails
        {
            Type = ProblemDetailsAuthErrorWriter.TypeFor(error.Status),
            Title = ReasonPhrases.GetReasonPhrase(error.Status),
            Status = error.Status,
            Detail = error.Message,
        };
        details.Extensions["code"] = error.Code;
        if (error.RequiredPermissions is { Count: > 0 } required)
            details.Extensions["requiredPermissions"] = required.ToArray();
        if (error.ViolatedPolicies is { Count: > 0 } violated)
            details.Extensions[ProblemDetailsAuthErrorWriter.ViolatedPoliciesMember] = violated.ToArray();
        return new ProblemDetailsContext { HttpContext = context, ProblemDetails = details };
    }
}
