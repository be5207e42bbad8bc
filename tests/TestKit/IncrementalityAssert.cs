using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Declarative.Auth.TestKit;

/// <summary>
/// Proves a generator is incremental: after an edit that touches no endpoint, every tracked step is
/// <see cref="IncrementalStepRunReason.Cached"/> or <see cref="IncrementalStepRunReason.Unchanged"/>, and no step
/// output holds a symbol, syntax node or compilation (which would defeat caching and keep compilations alive).
/// </summary>
public static class IncrementalityAssert
{
    /// <summary>A source file no generator should care about.</summary>
    public const string UnrelatedSource = """
        namespace Unrelated
        {
            internal static class Answers
            {
                public static int Answer => 42;
            }
        }
        """;

    /// <summary>
    /// Runs every check on a first run: each of <paramref name="alwaysRunning"/> (default: all of
    /// <paramref name="trackingNames"/>) ran, no output holds a symbol, and two unrelated edits (a new file; a
    /// comment appended to the first file) leave every step cached with the same generated text. Per-item steps
    /// only show up when there are items, hence the separate list of steps that must always appear.
    /// </summary>
    public static void Holds(GeneratorRun first, IReadOnlyCollection<string> trackingNames, IReadOnlyCollection<string>? alwaysRunning = null)
    {
        AllStepsRan(first.Result, alwaysRunning ?? trackingNames);
        NoSymbolsInOutputs(first.Result, trackingNames);

        var parseOptions = first.Input.SyntaxTrees.First().Options;
        var added = first.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText(UnrelatedSource, (CSharpParseOptions)parseOptions, path: "Unrelated.cs"));
        // The first run checked the output compiles; reruns must give the very same text (inputs may hold errors).
        Check(first, GeneratorDriverRunner.RunAgain(first.Driver, added, allowErrors: true), trackingNames, "adding an unrelated file");

        var tree = first.Input.SyntaxTrees.First();
        var text = tree.GetText();
        var edited = tree.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(
            new Microsoft.CodeAnalysis.Text.TextSpan(text.Length, 0), "\n// an unrelated comment\n")));
        Check(first, GeneratorDriverRunner.RunAgain(first.Driver, first.Input.ReplaceSyntaxTree(tree, edited), allowErrors: true), trackingNames, "appending a comment");
    }

    private static void Check(GeneratorRun first, GeneratorRun second, IReadOnlyCollection<string> trackingNames, string edit)
    {
        AllStepsCached(second.Result, trackingNames, edit);
        Assert.Equal(first.Sources.OrderBy(s => s.Key), second.Sources.OrderBy(s => s.Key));
    }

    /// <summary>Every named step appears in the run (a missing WithTrackingName would hide a step from these checks).</summary>
    public static void AllStepsRan(GeneratorDriverRunResult result, IReadOnlyCollection<string> trackingNames)
    {
        var steps = result.Results.SelectMany(r => r.TrackedSteps.Keys).ToHashSet(StringComparer.Ordinal);
        var missing = trackingNames.Where(n => !steps.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, "Tracked steps that did not run: " + string.Join(", ", missing));
    }

    /// <summary>Every output of every named step is Cached or Unchanged.</summary>
    public static void AllStepsCached(GeneratorDriverRunResult result, IReadOnlyCollection<string> trackingNames, string edit = "an unrelated edit")
    {
        var failures = new List<string>();
        foreach (var generatorResult in result.Results)
        {
            foreach (var (name, steps) in generatorResult.TrackedSteps)
            {
                if (!trackingNames.Contains(name))
                    continue;
                foreach (var step in steps)
                {
                    foreach (var (value, reason) in step.Outputs)
                    {
                        if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                            failures.Add($"{name}: {reason} ({value})");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, $"After {edit}, steps were not cached:\n" + string.Join("\n", failures));
    }

    /// <summary>No output of a named step holds an ISymbol, SyntaxNode or Compilation, however deeply nested.</summary>
    public static void NoSymbolsInOutputs(GeneratorDriverRunResult result, IReadOnlyCollection<string> trackingNames)
    {
        foreach (var generatorResult in result.Results)
        {
            foreach (var (name, steps) in generatorResult.TrackedSteps)
            {
                if (!trackingNames.Contains(name))
                    continue;
                foreach (var step in steps)
                {
                    foreach (var (value, _) in step.Outputs)
                        Visit(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void Visit(object? node, string step, HashSet<object> visited)
    {
        if (node is null || !visited.Add(node))
            return;
        Assert.False(node is Compilation or ISymbol or SyntaxNode or SemanticModel or SyntaxTree,
            $"Step '{step}' holds a {node.GetType().Name}; models must be plain values.");
        var type = node.GetType();
        if (type.IsPrimitive || type.IsEnum || node is string)
            return;
        if (node is ITuple tuple)
        {
            for (var i = 0; i < tuple.Length; i++)
                Visit(tuple[i], step, visited);
        }
        if (node is IEnumerable collection)
        {
            foreach (var item in collection)
                Visit(item, step, visited);
            return;
        }
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Visit(field.GetValue(node), step, visited);
        }
    }
}
