using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// DAUTH001 on flowsynx/flowsynx's web project (RealWorld/FlowSynx, see RealWorld/README.md for the commit and the
/// verdict of each endpoint by hand): 32 endpoints in 7 EndpointGroupBase classes, each on the group a helper
/// returns and declared by RequirePermissions (a generic helper adding [Authorize(Policy)] metadata through a
/// convention); a hub whose class carries [Authorize], mapped by MapHub; Swashbuckle's MapSwagger with
/// RequireAuthorization; an undeclared MapHealthChecks; four route-builder wrappers (MapGet(this
/// IEndpointRouteBuilder, Delegate, string)) that nothing in the project calls.
/// </summary>
public class RealWorldFlowSynxTests(ITestOutputHelper output)
{
    private Task<IReadOnlyList<string>> AnalyseAsync(Func<string, string, string>? edit = null)
        => RealWorldCompilation.AnalyseAsync(output, "FlowSynx", "FlowSynx", OutputKind.ConsoleApplication,
            referenceStubs: "FlowSynx.Stubs.cs.txt", edit: edit);

    /// <summary>What the code declares nothing for, by hand: the health check, and the wrappers' Map calls.</summary>
    private static readonly string[] Undeclared =
    [
        "FlowSynx/Extensions/ApplicationBuilderExtensions.cs(52): Endpoint 'ANY /health'",
        // Never called: they map on whatever builder they are given and declare nothing themselves (judged as
        // written, like a library's public helper; a caller passing a declared group would silence them).
        "FlowSynx/Extensions/EndpointRouteBuilderExtensions.cs(9): Endpoint 'GET /{?}'",
        "FlowSynx/Extensions/EndpointRouteBuilderExtensions.cs(17): Endpoint 'POST /{?}'",
        "FlowSynx/Extensions/EndpointRouteBuilderExtensions.cs(25): Endpoint 'PUT /{?}'",
        "FlowSynx/Extensions/EndpointRouteBuilderExtensions.cs(33): Endpoint 'DELETE /{?}'",
    ];

    [RealWorldFact("FlowSynx")]
    public async Task Only_the_health_check_and_the_uncalled_wrappers_are_reported()
        => Assert.Equal(Undeclared, await AnalyseAsync());

    // The zero above is no blind spot: with its declaration removed, each kind of endpoint is reported.
    [RealWorldFact("FlowSynx")]
    public async Task Without_their_declarations_the_hub_MapSwagger_and_a_group_endpoint_are_reported()
    {
        var reported = await AnalyseAsync((path, text) => path switch
        {
            "FlowSynx/Hubs/WorkflowsHub.cs" => Replace(text, "[Authorize]\n", ""),
            "FlowSynx/Extensions/ApplicationBuilderExtensions.cs" => Replace(text, ".RequireAuthorization(\"admin\")", ""),
            "FlowSynx/Endpoints/Version.cs" => Replace(text, ".RequirePermissions(Permissions.Admin)", ".WithTags(Permissions.Admin)"),
            _ => text,
        });
        Assert.Equal(
            [
                "FlowSynx/Endpoints/Version.cs(18): Endpoint 'GET /'",
                Undeclared[0],
                "FlowSynx/Extensions/ApplicationBuilderExtensions.cs(100): Endpoint 'ANY /swagger/{documentName}/swagger.{extension:regex(^(json|ya?ml)$)} (MapSwagger)'",
                .. Undeclared[1..],
                "FlowSynx/Program.cs(142): Endpoint 'ANY /hubs/workflowExecutions'",
            ],
            reported);
    }

    private static string Replace(string text, string old, string replacement)
    {
        Assert.Contains(old, text);
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }
}
