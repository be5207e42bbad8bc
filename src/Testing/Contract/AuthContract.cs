using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Testing;

/// <summary>
/// The authorization contract of an app, generated from the route table its build wrote: every endpoint × {no key,
/// a key lacking each required permission, a key holding exactly the requirement, an event write key, a key of
/// another workspace}. One test class checks them all:
/// <code>
/// public sealed class AuthorizationContract(WebApplicationFactory&lt;Program&gt; factory) : IClassFixture&lt;WebApplicationFactory&lt;Program&gt;&gt;
/// {
///     public static IEnumerable&lt;object[]&gt; Cases =&gt; AuthContract.Cases&lt;Program&gt;();
///
///     [Theory, MemberData(nameof(Cases))]
///     public Task Endpoint_enforces_its_declaration(AuthCase @case) =&gt; factory.VerifyAsync(@case);
/// }
/// </code>
/// </summary>
public static class AuthContract
{
    /// <summary>
    /// The cases of every endpoint in <typeparamref name="TEntryPoint"/>'s assembly (those <paramref name="where"/> keeps),
    /// one <see cref="AuthCase"/> per row, in the shape xUnit's <c>MemberData</c> takes.
    /// </summary>
    public static IEnumerable<object[]> Cases<TEntryPoint>(Func<EndpointEntry, bool>? where = null)
        where TEntryPoint : class
        => ContractCases.For(ContractCases.ManifestOf(typeof(TEntryPoint).Assembly), where).Select(c => new object[] { c });

    /// <summary>
    /// Sends <paramref name="case"/>'s request to the app (set up with
    /// <see cref="DeclarativeAuthFactoryExtensions.WithDeclarativeAuth{TEntryPoint}"/>) and throws
    /// <see cref="AuthContractException"/> unless the answer is what the declaration requires: 401 or 403 with the
    /// refusal's <c>code</c>, or allowed — any answer that is not a refusal of ours (the handler may say 404 or 400
    /// to a made-up id).
    /// </summary>
    public static async Task VerifyAsync<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory, AuthCase @case)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(@case);
        var app = factory.WithDeclarativeAuth();
        var state = app.State();
        var options = state.Services.GetRequiredService<IOptions<DeclarativeAuthOptions>>().Value;
        var expected = Expectation.For(@case, options);
        var key = @case.Key is { } asked ? KeyFit.ForApp(asked, @case, state.KnownPermissions()) : null;

        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = Request(@case, options.Workspace.Effective, state.Options.RouteValues);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await key.MintAsync(state.Keys, state.Time).ConfigureAwait(false));
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var answer = new Answer((int)response.StatusCode, RefusalCode.Read(response.Content?.Headers.ContentType?.MediaType, body));
        if (await expected.MismatchAsync(answer, state.Codes, bodiless: @case.Method == "HEAD").ConfigureAwait(false) is { } wanted)
        {
            throw new AuthContractException(
                $"{@case.Method} {request.RequestUri?.PathAndQuery} ({@case.Endpoint.Handler}, {@case.Endpoint.SourceFile}:{@case.Endpoint.Line}) with {@case.Caller}: " +
                $"expected {wanted}, got {answer}.{Excerpt(body)}");
        }
    }

    private static HttpRequestMessage Request(AuthCase @case, IReadOnlyList<WorkspaceSource> workspaceSources, IDictionary<string, string> routeValues)
    {
        // The request names the contract's workspace everywhere the app reads one, so a workspace-scoped endpoint
        // is reachable by the exact key, and a key restricted to another workspace is refused for naming it.
        var routeNames = workspaceSources.Where(s => s.Kind == WorkspaceSourceKind.Route).Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var path = RouteSamples.PathFor(@case.Endpoint.Route!, routeValues, routeNames);
        var query = string.Join('&', workspaceSources.Where(s => s.Kind == WorkspaceSourceKind.Query)
            .Select(s => $"{Uri.EscapeDataString(s.Name)}={ContractCases.Workspace}"));
        var request = new HttpRequestMessage(new HttpMethod(@case.Method), query.Length == 0 ? path : $"{path}?{query}");
        foreach (var header in workspaceSources.Where(s => s.Kind == WorkspaceSourceKind.Header))
            request.Headers.TryAddWithoutValidation(header.Name, ContractCases.Workspace);
        if (@case.Method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    private static string Excerpt(string body)
        => body.Length == 0 ? "" : " Body: " + (body.Length > 300 ? body[..300] + "…" : body);
}

/// <summary>What came back: the status and our refusal <c>code</c> if the body carries one.</summary>
internal readonly record struct Answer(int Status, string? Code)
{
    public override string ToString() => Code is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status} {Code}";
}
