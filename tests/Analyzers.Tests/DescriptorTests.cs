using System.Collections.Immutable;
using System.Reflection;
using Declarative.Auth.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers.Tests;

/// <summary>The descriptor's contract: id, category, severity, help link to its docs section, release tracking, .editorconfig severity.</summary>
public class DescriptorTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Declarative.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void DAUTH001_is_a_security_warning_whose_help_link_points_at_its_docs_section()
    {
        var descriptor = Assert.Single(new MissingAuthDeclarationAnalyzer().SupportedDiagnostics);
        Assert.Equal("DAUTH001", descriptor.Id);
        Assert.Equal("Security", descriptor.Category);
        Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.Equal("https://github.com/declarative-auth/declarative-auth/blob/main/docs/diagnostics.md#dauth001", descriptor.HelpLinkUri);

        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics.md"));
        Assert.Contains("\n## DAUTH001\n", docs.Replace("\r\n", "\n"));
        Assert.Contains("dotnet_diagnostic.DAUTH001.severity = error", docs);
        Assert.Contains("FallbackPolicy", docs);
    }

    [Fact]
    public void Every_descriptor_is_in_the_unshipped_release_notes_and_the_docs()
    {
        var root = RepoRoot();
        var unshipped = File.ReadAllText(Path.Combine(root, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        var docs = File.ReadAllText(Path.Combine(root, "docs", "diagnostics.md"));
        var descriptors = typeof(MissingAuthDeclarationAnalyzer).Assembly
            .GetType("Declarative.Auth.Analyzers.DiagnosticDescriptors")!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();
        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            Assert.Matches("^DAUTH[0-9]{3}$", descriptor.Id);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
            Assert.Contains("## " + descriptor.Id, docs);
            Assert.EndsWith("#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public async Task Severity_set_in_editorconfig_is_honoured()
    {
        var config = AnalyzerConfig.Parse("""
            root = true

            [*.cs]
            dotnet_diagnostic.DAUTH001.severity = error
            """, "/app/.editorconfig");
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(config));
        var compilation = TestCompilation.Create([("/app/Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/events", () => "x");
            app.Run();
            """)]);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigOptions(set)));

        var diagnostic = Assert.Single(await AnalyzerRunner.RunAsync(compilation, new MissingAuthDeclarationAnalyzer()));
        Assert.Equal("DAUTH001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Theory]
    [InlineData("DAUTH002", "error", DiagnosticSeverity.Error)]
    [InlineData("DAUTH004", "warning", DiagnosticSeverity.Warning)]
    [InlineData("DAUTH006", "error", DiagnosticSeverity.Error)]
    [InlineData("DAUTH008", "warning", DiagnosticSeverity.Warning)]
    public async Task Severity_of_every_diagnostic_is_configurable_in_editorconfig(string id, string value, DiagnosticSeverity expected)
    {
        var config = AnalyzerConfig.Parse($"""
            root = true

            [*.cs]
            dotnet_diagnostic.{id}.severity = {value}
            """, "/app/.editorconfig");
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(config));
        var compilation = TestCompilation.Create([("/app/Program.cs", """
            [assembly: PermissionScope("events", "Events")]
            var app = WebApplication.Create(args);
            var version = args[0];
            app.MapGet("/v1/a", [RequiresKey(KeyType.Write, Scope = "evnets")] () => "a");
            app.MapGet("/v1/b", [RequiresKey(KeyType.Admin, Scope = "events")] () => "b");
            app.MapGet("/" + version, [AllowAnonymous] () => "c");
            app.Run();
            """)]);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigOptions(set)));

        var diagnostics = await AnalyzerRunner.RunAsync(compilation, new DeclarationAnalyzer());
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(expected, diagnostic.Severity);
    }

    [Fact]
    public void Every_analyzer_reports_only_its_own_descriptors_and_ids_are_unique()
    {
        var all = Verify.AllAnalyzers().SelectMany(a => a.SupportedDiagnostics).ToList();
        Assert.Equal(all.Count, all.Select(d => d.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 17).Select(i => $"DAUTH{i:000}"), all.Select(d => d.Id).Order());
        Assert.All(all, d => Assert.StartsWith("https://github.com/declarative-auth/declarative-auth/blob/main/docs/diagnostics.md#dauth", d.HelpLinkUri));
    }

    /// <summary>What the compiler builds from .editorconfig files, for a compilation made in a test.</summary>
    private sealed class EditorConfigOptions(AnalyzerConfigSet set) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}
