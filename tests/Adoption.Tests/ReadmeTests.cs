using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>
/// The README's "Adding keys to an existing app" shows only code that compiles and is tested: every C# block there
/// must appear, line for line, in samples/ExistingApp, in this project or in the package consumer app (a line <c>// ...</c> marks an elision).
/// </summary>
public sealed partial class ReadmeTests
{
    private const string Section = "## Adding keys to an existing app";

    [Fact]
    public void Every_code_block_of_the_section_is_compiled_and_tested_code()
    {
        var root = RepoRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{Section}' section");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];

        var sources = Directory.EnumerateFiles(Path.Combine(root, "samples", "ExistingApp"), "*.cs")
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "tests", "Adoption.Tests"), "*.cs"))
            .Append(Path.Combine(root, "tests", "Consumer", "ConsumerApp", "Program.cs"))
            .Select(f => File.ReadAllLines(f).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray())
            .ToArray();

        var blocks = CodeBlock().Matches(section).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            foreach (var chunk in Chunks(block))
                Assert.True(sources.Any(s => Contains(s, chunk)), $"This README code is not in samples/ExistingApp or tests/Adoption.Tests:\n{string.Join('\n', chunk)}");
        }
    }

    private static IEnumerable<string[]> Chunks(string block)
    {
        var current = new List<string>();
        foreach (var line in block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line == "// ...")
            {
                if (current.Count > 0)
                    yield return [.. current];
                current.Clear();
            }
            else
            {
                current.Add(line);
            }
        }
        if (current.Count > 0)
            yield return [.. current];
    }

    private static bool Contains(string[] source, string[] chunk)
    {
        for (var i = 0; i + chunk.Length <= source.Length; i++)
        {
            if (source.AsSpan(i, chunk.Length).SequenceEqual(chunk))
                return true;
        }
        return false;
    }

    private static string RepoRoot([CallerFilePath] string here = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
