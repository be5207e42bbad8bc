using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// DAUTH001 on equinor/witsml-explorer's API (RealWorld/WitsmlExplorer, see RealWorld/README.md for the commit and
/// the verdict by hand): 85 endpoints, every one mapped through a void wrapper (MapGet/MapPost/MapPatch/MapDelete(this
/// IEndpointRouteBuilder, string, Delegate, bool useOAuth2, params string[] policies)) that maps "/api" + pattern and
/// declares the builder with RequireAuthorization when OAuth2 is on; and a hub without attributes, mapped by the same
/// kind of wrapper around MapHub&lt;T&gt; (T a type parameter) from inside UseEndpoints.
/// </summary>
public class RealWorldWitsmlExplorerTests(ITestOutputHelper output)
{
    private Task<IReadOnlyList<string>> AnalyseAsync(Func<string, string, string>? edit = null)
        => RealWorldCompilation.AnalyseAsync(output, "WitsmlExplorer", "WitsmlExplorer.Api", OutputKind.ConsoleApplication,
            sourceStubs: "WitsmlExplorer.Stubs.cs.txt", edit: edit, implicitUsings: false);

    [RealWorldFact("WitsmlExplorer")]
    public async Task Every_endpoint_and_the_hub_are_declared_in_their_wrapper()
        => Assert.Empty(await AnalyseAsync());

    // The zero above is no blind spot: without the MapPatch wrapper's declaration, each of its 3 calls is reported
    // (each passes the app, which declares nothing); without the MapHub wrapper's, its Map call (its one caller is
    // a lambda given to UseEndpoints).
    [RealWorldFact("WitsmlExplorer")]
    public async Task Without_the_wrappers_declarations_their_Map_calls_are_reported()
    {
        const string Declaration = """
                        if (useOAuth2)
                        {
                            routeHandlerBuilder.RequireAuthorization(policyNames);
                        }
            """;
        var reported = await AnalyseAsync((path, text) => path == "WitsmlExplorer.Api/Extensions/WebApplicationExtensions.cs"
            ? RemoveAfter(RemoveAfter(text, "endpoints.MapPatch(", Declaration), "endpoints.MapHub<T>(", Declaration)
            : text);
        Assert.Equal(
            [
                "WitsmlExplorer.Api/Extensions/WebApplicationExtensions.cs(57): Endpoint 'ANY /{?}'", // 60 before the removal above
                "WitsmlExplorer.Api/Routes.cs(25): Endpoint 'PATCH /{?}'",
                "WitsmlExplorer.Api/Routes.cs(52): Endpoint 'PATCH /{?}'",
                "WitsmlExplorer.Api/Routes.cs(63): Endpoint 'PATCH /{?}'",
            ],
            reported);
    }

    /// <summary>Removes the first <paramref name="removed"/> after <paramref name="anchor"/>.</summary>
    private static string RemoveAfter(string text, string anchor, string removed)
    {
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(at >= 0, anchor);
        var start = text.IndexOf(removed, at, StringComparison.Ordinal);
        Assert.True(start >= 0, removed);
        return text[..start] + text[(start + removed.Length)..];
    }
}
