namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// Disagreements the team knows of and has not fixed yet, one per line in known-gaps.txt (the line the suite prints
/// for it). The suite holds the list exactly: a new disagreement fails, and so does a gap that was fixed but is still
/// listed, so the list can only shrink on purpose. Each line is an open bug of issue 14, never an accepted answer.
/// </summary>
internal static class KnownGaps
{
    public static IReadOnlySet<string> Lines { get; } = Load();

    private static HashSet<string> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "known-gaps.txt");
        return [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>What differs between <paramref name="found"/> and the listed gaps among <paramref name="listed"/> lines.</summary>
    public static string? Compare(IEnumerable<string> found, Func<string, bool> listed)
    {
        var actual = found.ToHashSet(StringComparer.Ordinal);
        var expected = Lines.Where(listed).ToHashSet(StringComparer.Ordinal);
        var added = actual.Except(expected).Order(StringComparer.Ordinal).ToArray();
        var fixedOnes = expected.Except(actual).Order(StringComparer.Ordinal).ToArray();
        if (added.Length == 0 && fixedOnes.Length == 0)
            return null;
        return string.Join("\n",
            added.Select(a => "NEW disagreement (fix it): " + a)
                .Concat(fixedOnes.Select(f => "FIXED, remove it from known-gaps.txt: " + f)));
    }
}
