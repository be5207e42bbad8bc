using System.Text;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>One artifact's answer for one endpoint next to the expected one (built from the runtime's live policy).</summary>
internal sealed record Comparison(EndpointKey Endpoint, string Artifact, string Expected, string Actual)
{
    public bool Agrees => Expected == Actual;

    public override string ToString() => $"{Endpoint} — {Artifact}: expected {Expected}, got {Actual}";
}

/// <summary>
/// Every endpoint of the conformance app against every artifact. The expected value is the runtime's compiled policy
/// for the live endpoint; the app's shape tag (the rule ASP.NET Core and the README give) is compared to that policy
/// too, so a runtime that drifts from the rules is caught as well.
/// </summary>
internal sealed class ConformanceMatrix
{
    public const string Tag = "documented rule (shape tag)";
    public const string Dauth001 = "DAUTH001";
    public const string Table = "generated table";
    public const string Json = "permissions.json";
    public const string OpenApi = "OpenAPI x-required-permissions";
    public const string Runtime = "runtime answers";

    public required ShapeCatalog Catalog { get; init; }
    public required IReadOnlyList<LiveEndpoint> Endpoints { get; init; }
    public required IReadOnlyList<Comparison> Comparisons { get; init; }

    /// <summary>Endpoints ApiExplorer does not describe, so no OpenAPI operation exists to compare.</summary>
    public required IReadOnlyList<EndpointKey> NotInOpenApi { get; init; }
    public required IReadOnlyList<string> UntaggedEndpoints { get; init; }
    public required IReadOnlyList<string> UnmappedShapes { get; init; }
    public required IReadOnlyList<string> PhantomRows { get; init; }
    public required IReadOnlyList<string> StrayDiagnostics { get; init; }

    public static async Task<ConformanceMatrix> BuildAsync()
    {
        var catalog = ShapeCatalog.Load();
        var table = BuildArtifacts.GeneratedTable();
        var json = BuildArtifacts.PermissionsJson();
        var dauth = await BuildArtifacts.Dauth001Async(catalog);
        await using var app = await LiveApp.StartAsync();
        using var document = await app.OpenApiAsync();
        var openApi = new OpenApiOperations(document, app.Described);
        var shapes = catalog.Shapes.ToDictionary(s => s.Key);

        var comparisons = new List<Comparison>();
        var notInOpenApi = new List<EndpointKey>();
        foreach (var endpoint in app.Endpoints.OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Methods, StringComparer.Ordinal))
        {
            var key = endpoint.Key;
            var expected = endpoint.Policy;
            void Compare(string artifact, string wanted, string actual) => comparisons.Add(new Comparison(key, artifact, wanted, actual));

            if (shapes.TryGetValue(key, out var shape))
                Compare(Tag, expected.ToString(), shape.Truth.ToString());

            var fires = dauth.Where(d => catalog.Lines.TryGetValue((d.File, d.Line), out var keys) && keys.Contains(key)).ToArray();
            Compare(Dauth001, expected.IsDeclared ? "silent" : "fires", fires.Length == 0 ? "silent" : "fires");

            Compare(Table, expected.ToString(), Rows(table.Where(r => r.Key == key)));
            Compare(Json, expected.ToString(), Rows(json.Where(r => r.Key == key)));

            if (openApi.Actual(key) is { } operation)
                Compare(OpenApi, OpenApiOperations.Expected(expected), operation);
            else
                notInOpenApi.Add(key);

            var wrong = await RuntimeProbe.DisagreementsAsync(app, endpoint, expected);
            Compare(Runtime, expected.ToString(), wrong.Count == 0 ? expected.ToString() : string.Join("; ", wrong));
        }

        var live = app.Endpoints.Select(e => e.Key).ToHashSet();
        return new ConformanceMatrix
        {
            Catalog = catalog,
            Endpoints = app.Endpoints,
            Comparisons = comparisons,
            NotInOpenApi = notInOpenApi,
            UntaggedEndpoints = [.. app.Endpoints.Where(e => !shapes.ContainsKey(e.Key)).Select(e => $"{e.Key} ({e.Endpoint.DisplayName}) is live but no shape tag names it")],
            UnmappedShapes = [.. catalog.Shapes.Where(s => !live.Contains(s.Key)).Select(s => $"{s.Key} is tagged at {s.File}:{s.Line} but the app has no such endpoint")],
            PhantomRows =
            [
                .. table.Where(r => !live.Contains(r.Key)).Select(r => $"{Table}: row {r.Key} => {r.Requirement} ({r.Describe}) matches no live endpoint"),
                .. json.Where(r => !live.Contains(r.Key)).Select(r => $"{Json}: entry {r.Key} => {r.Requirement} ({r.Describe}) matches no live endpoint"),
            ],
            StrayDiagnostics = [.. dauth.Where(d => !catalog.Lines.ContainsKey((d.File, d.Line))).Select(d => $"DAUTH001 at {d.File}:{d.Line} names no endpoint: {d.Message}")],
        };
    }

    private static string Rows(IEnumerable<ArtifactRow> rows)
    {
        var list = rows.ToArray();
        return list.Length switch
        {
            0 => "(no row)",
            1 => list[0].Requirement.ToString(),
            _ => $"{list.Length} rows: " + string.Join(" | ", list.Select(r => r.Requirement)),
        };
    }

    public IEnumerable<Comparison> Disagreements => Comparisons.Where(c => !c.Agrees);

    /// <summary>The figures and every disagreement, as the suite prints them and writes conformance-report.md.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        var agreeing = Comparisons.GroupBy(c => c.Endpoint).Count(g => g.All(c => c.Agrees));
        text.AppendLine("# Conformance report").AppendLine();
        text.AppendLine($"Endpoint shapes (tagged): {Catalog.Shapes.Count}; live endpoints: {Endpoints.Count}");
        text.AppendLine($"Agreements: {Comparisons.Count(c => c.Agrees)} of {Comparisons.Count} comparisons; endpoints agreeing on every artifact: {agreeing} of {Endpoints.Count}");
        foreach (var artifact in Comparisons.GroupBy(c => c.Artifact))
            text.AppendLine($"- {artifact.Key}: {artifact.Count(c => c.Agrees)} of {artifact.Count()} agree");
        text.AppendLine($"- not in the OpenAPI document (ApiExplorer does not describe them): {NotInOpenApi.Count}");
        text.AppendLine($"Phantom rows: {PhantomRows.Count}; DAUTH001 naming no endpoint: {StrayDiagnostics.Count}; untagged live endpoints: {UntaggedEndpoints.Count}; unmapped shapes: {UnmappedShapes.Count}");
        text.AppendLine().AppendLine("## Disagreements").AppendLine();
        foreach (var c in Disagreements)
            text.AppendLine("- " + c);
        foreach (var line in PhantomRows.Concat(StrayDiagnostics).Concat(UntaggedEndpoints).Concat(UnmappedShapes))
            text.AppendLine("- " + line);
        return text.ToString();
    }
}
