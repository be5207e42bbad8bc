using System.Text.RegularExpressions;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>Issue 18.14: every relative path samples/Seeds/README.md names exists in a clone of the repository.</summary>
public sealed partial class ReadmeLinkTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("No Declarative.sln above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_relative_path_in_the_seeds_README_exists()
    {
        var seeds = Path.Combine(RepositoryRoot(), "samples", "Seeds");
        var readme = File.ReadAllText(Path.Combine(seeds, "README.md"));
        // Markdown links [text](path) and `code` spans that look like paths (contain a slash, no spaces, no URL scheme).
        var paths = MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value)
            .Concat(CodePath().Matches(readme).Select(m => m.Groups[1].Value))
            .Where(p => !p.Contains("://", StringComparison.Ordinal) && !p.StartsWith('#') && !p.StartsWith('/') && !p.Contains('<') && !p.Contains('…'))
            .Distinct()
            .ToArray();
        Assert.NotEmpty(paths);
        var missing = paths.Where(p =>
        {
            var fromReadme = Path.GetFullPath(Path.Combine(seeds, p));
            var fromRoot = Path.GetFullPath(Path.Combine(RepositoryRoot(), p));
            return !(File.Exists(fromReadme) || Directory.Exists(fromReadme) || File.Exists(fromRoot) || Directory.Exists(fromRoot));
        }).ToArray();
        Assert.True(missing.Length == 0, "README names paths that do not exist: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"`((?:\.\.?/|samples/|tests/|src/|Apps/)[^`\s]*)`")]
    private static partial Regex CodePath();
}
