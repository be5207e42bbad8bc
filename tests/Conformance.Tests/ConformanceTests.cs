using Xunit.Abstractions;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// Endpoint by endpoint, DAUTH001's verdict, the generated table row, permissions.json, the OpenAPI operation and the
/// runtime's answers must say what the runtime's live policy says, and that policy what the documented rules say.
/// Each failure names the endpoint, the artifact and both values; the figures are in the output and in
/// conformance-report.md beside the test assembly.
/// </summary>
public sealed class ConformanceTests(ConformanceFixture fixture, ITestOutputHelper output) : IClassFixture<ConformanceFixture>
{
    private ConformanceMatrix Matrix => fixture.Matrix;

    [Fact]
    public void The_app_has_at_least_60_shapes_and_every_one_is_a_live_endpoint()
    {
        output.WriteLine(Matrix.Report());
        Assert.True(Matrix.Catalog.Shapes.Count >= 60, $"only {Matrix.Catalog.Shapes.Count} shapes");
        Assert.True(Matrix.UnmappedShapes.Count == 0 && Matrix.UntaggedEndpoints.Count == 0,
            string.Join("\n", Matrix.UnmappedShapes.Concat(Matrix.UntaggedEndpoints)));
    }

    [Fact]
    public void The_runtime_enforces_what_the_documented_rules_say() => AssertAgree(ConformanceMatrix.Tag);

    [Fact]
    public void The_runtime_answers_as_its_policy_says() => AssertAgree(ConformanceMatrix.Runtime);

    [Fact]
    public void DAUTH001_fires_exactly_on_the_undeclared_endpoints()
    {
        AssertAgree(ConformanceMatrix.Dauth001);
        AssertListed(Matrix.StrayDiagnostics, "DAUTH001 at ");
    }

    [Fact]
    public void The_generated_table_has_one_row_per_endpoint_with_the_enforced_requirement() => AssertAgree(ConformanceMatrix.Table);

    [Fact]
    public void Permissions_json_has_one_entry_per_endpoint_with_the_enforced_requirement() => AssertAgree(ConformanceMatrix.Json);

    [Fact]
    public void The_build_artifacts_list_no_endpoint_the_app_does_not_have()
        => AssertListed(Matrix.PhantomRows, ConformanceMatrix.Table + ": row ", ConformanceMatrix.Json + ": entry ");

    [Fact]
    public void Every_OpenAPI_operation_carries_the_enforced_permissions() => AssertAgree(ConformanceMatrix.OpenApi);

    [Fact]
    public void Every_endpoint_agrees_on_every_artifact()
    {
        output.WriteLine(Matrix.Report());
        var wrong = Matrix.Disagreements.Select(w => w.ToString()).ToArray();
        output.WriteLine($"{wrong.Length} disagreements, all of them listed in known-gaps.txt (report: {fixture.ReportPath})");
        var differs = KnownGaps.Compare(wrong, line => line.Contains(" — ", StringComparison.Ordinal));
        Assert.True(differs is null, differs);
    }

    private void AssertAgree(string artifact)
    {
        var compared = Matrix.Comparisons.Where(c => c.Artifact == artifact).ToArray();
        Assert.NotEmpty(compared);
        var wrong = compared.Where(c => !c.Agrees).Select(c => c.ToString()).ToArray();
        output.WriteLine($"{artifact}: {compared.Length - wrong.Length} of {compared.Length} endpoints agree");
        var differs = KnownGaps.Compare(wrong, line => line.Contains(" — " + artifact + ":", StringComparison.Ordinal));
        Assert.True(differs is null, $"{artifact}: " + differs);
    }

    private static void AssertListed(IReadOnlyList<string> found, params string[] prefixes)
    {
        var differs = KnownGaps.Compare(found, line => prefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal)));
        Assert.True(differs is null, differs);
    }
}
