using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>Skips a test when the upstream fixture it reads is not in the working tree.</summary>
public sealed class RealWorldFactAttribute : FactAttribute
{
    public RealWorldFactAttribute(string fixture)
    {
        if (!Directory.Exists(Path.Combine(AppContext.BaseDirectory, "RealWorld", fixture)))
            Skip = $"RealWorld/{fixture} is not present: it holds upstream third-party sources, kept out of our commits (see RealWorld/README.md).";
    }
}

/// <summary>
/// DAUTH001 on a real, public code base: dotnet/eShop's minimal-API services (RealWorld/eShop, upstream paths and
/// commits in each file's header), each project compiled on its own as in the upstream solution, against the
/// shared framework plus RealWorld/Stubs.cs for third-party types. Compile errors inside method bodies are
/// expected (EF Core, OpenTelemetry, MediatR are stubbed only where signatures need them); the test proves every
/// Map* call binds to the framework's method, so no endpoint is hidden from the analyzer by an error.
/// </summary>
public class RealWorldTests(ITestOutputHelper output)
{
    private Task<IReadOnlyList<string>> AnalyseAsync(string project, bool stubs, OutputKind kind)
        => RealWorldCompilation.AnalyseAsync(output, "eShop/" + project, project, kind, sourceStubs: stubs ? "Stubs.cs.txt" : null);

    [RealWorldFact("eShop")]
    public async Task Ordering_API_endpoints_are_declared_by_RequireAuthorization_on_the_group_its_helper_returns()
        => Assert.Empty(await AnalyseAsync("Ordering.API", stubs: true, OutputKind.ConsoleApplication));

    [RealWorldFact("eShop")]
    public async Task Webhooks_API_endpoints_are_declared_by_RequireAuthorization_on_the_group_its_helper_returns()
        => Assert.Empty(await AnalyseAsync("Webhooks.API", stubs: true, OutputKind.ConsoleApplication));

    [RealWorldFact("eShop")]
    public async Task Catalog_API_endpoints_have_no_declaration_at_all_and_are_all_reported()
        => Assert.Equal(
            [
                "Catalog.API/Apis/CatalogApi.cs(29): Endpoint 'GET /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(34): Endpoint 'GET /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(39): Endpoint 'GET /api/catalog/items/by'",
                "Catalog.API/Apis/CatalogApi.cs(44): Endpoint 'GET /api/catalog/items/{id:int}'",
                "Catalog.API/Apis/CatalogApi.cs(49): Endpoint 'GET /api/catalog/items/by/{name:minlength(1)}'",
                "Catalog.API/Apis/CatalogApi.cs(54): Endpoint 'GET /api/catalog/items/{id:int}/pic'",
                "Catalog.API/Apis/CatalogApi.cs(61): Endpoint 'GET /api/catalog/items/withsemanticrelevance/{text:minlength(1)}'",
                "Catalog.API/Apis/CatalogApi.cs(68): Endpoint 'GET /api/catalog/items/type/{typeId}/brand/{brandId?}'",
                "Catalog.API/Apis/CatalogApi.cs(73): Endpoint 'GET /api/catalog/items/type/all/brand/{brandId:int?}'",
                "Catalog.API/Apis/CatalogApi.cs(78): Endpoint 'GET /api/catalog/catalogtypes'",
                "Catalog.API/Apis/CatalogApi.cs(85): Endpoint 'GET /api/catalog/catalogbrands'",
                "Catalog.API/Apis/CatalogApi.cs(94): Endpoint 'PUT /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(99): Endpoint 'PUT /api/catalog/items/{id:int}'",
                "Catalog.API/Apis/CatalogApi.cs(104): Endpoint 'POST /api/catalog/items'",
                "Catalog.API/Apis/CatalogApi.cs(108): Endpoint 'DELETE /api/catalog/items/{id:int}'",
            ],
            await AnalyseAsync("Catalog.API", stubs: true, OutputKind.DynamicallyLinkedLibrary));

    [RealWorldFact("eShop")]
    public async Task ServiceDefaults_health_checks_are_reported_as_they_declare_nothing()
        => Assert.Equal(
            [
                "eShop.ServiceDefaults/Extensions.cs(126): Endpoint 'ANY /health'",
                "eShop.ServiceDefaults/Extensions.cs(129): Endpoint 'ANY /alive'",
            ],
            await AnalyseAsync("eShop.ServiceDefaults", stubs: false, OutputKind.DynamicallyLinkedLibrary));
}
