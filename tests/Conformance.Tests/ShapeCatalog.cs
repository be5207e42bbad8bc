namespace Declarative.Auth.Conformance.Tests;

/// <summary>One endpoint shape of the app, as its tag names it: where it is declared and what it should require.</summary>
internal sealed record Shape(EndpointKey Key, Requirement Truth, string File, int Line);

/// <summary>
/// Reads the shape tags of the app's sources (copied next to the tests): <c>//= METHODS ROUTE =&gt; EXPECTED; ...</c>
/// declares endpoints on that line, <c>//@ METHODS ROUTE; ...</c> marks another line belonging to them (a wrapper's
/// body, an extension call). DAUTH001 on a line speaks about the endpoints tagged there.
/// </summary>
internal sealed class ShapeCatalog
{
    public const string SourceFolder = "AppSources";

    private ShapeCatalog(IReadOnlyList<Shape> shapes, IReadOnlyDictionary<(string File, int Line), IReadOnlyList<EndpointKey>> lines, IReadOnlyList<(string Path, string Text)> sources)
    {
        Shapes = shapes;
        Lines = lines;
        Sources = sources;
    }

    public IReadOnlyList<Shape> Shapes { get; }

    /// <summary>(file relative to the app, 1-based line) → the endpoints tagged on it.</summary>
    public IReadOnlyDictionary<(string File, int Line), IReadOnlyList<EndpointKey>> Lines { get; }

    /// <summary>Every source of the app (relative path, text), the SDK's implicit usings included.</summary>
    public IReadOnlyList<(string Path, string Text)> Sources { get; }

    public static ShapeCatalog Load()
    {
        var root = Path.Combine(AppContext.BaseDirectory, SourceFolder);
        var shapes = new List<Shape>();
        var lines = new Dictionary<(string, int), IReadOnlyList<EndpointKey>>();
        var sources = new List<(string, string)>();
        foreach (var path in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(root, path).Replace('\\', '/');
            var text = File.ReadAllText(path);
            sources.Add((file, text));
            var number = 0;
            foreach (var line in text.Split('\n'))
            {
                number++;
                if (line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                    continue; // a tag follows code on its line; comment lines only talk about tags
                var keys = new List<EndpointKey>();
                var declared = line.IndexOf("//=", StringComparison.Ordinal);
                var marked = line.IndexOf("//@", StringComparison.Ordinal);
                if (declared >= 0)
                {
                    foreach (var item in Items(line[(declared + 3)..]))
                    {
                        var parts = item.Split("=>", 2, StringSplitOptions.TrimEntries);
                        if (parts.Length != 2)
                            throw new FormatException($"{file}({number}): '{item}' needs '=> EXPECTED'.");
                        var key = EndpointKey.Parse(parts[0]);
                        shapes.Add(new Shape(key, Requirement.Parse(parts[1]), file, number));
                        keys.Add(key);
                    }
                }
                else if (marked >= 0)
                {
                    keys.AddRange(Items(line[(marked + 3)..]).Select(EndpointKey.Parse));
                }
                if (keys.Count > 0)
                    lines[(file, number)] = keys;
            }
        }
        var duplicates = shapes.GroupBy(s => s.Key).Where(g => g.Count() > 1).Select(g => g.Key.ToString()).ToArray();
        if (duplicates.Length > 0)
            throw new InvalidOperationException("Shapes tagged twice: " + string.Join(", ", duplicates));
        return new ShapeCatalog(shapes, lines, sources);
    }

    private static IEnumerable<string> Items(string text)
        => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
