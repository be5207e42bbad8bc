using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analysis
{
    /// <summary>
    /// Who calls a source helper, and what a builder parameter of it receives from each caller, through the callers'
    /// own callers when they pass a parameter on. Decided once here: the generator's rows of endpoints mapped in
    /// helpers and DAUTH001's verdict at each call site are both read from it.
    /// </summary>
    internal static class Callers
    {
        private const int MaxDepth = 16;

        /// <summary>
        /// What reaches a parameter along one path of calls: the full prefix (null when not known), the levels (outer → inner)
        /// and the path's call of the helper itself (where DAUTH001 reports it); null when no call is known.
        /// </summary>
        internal sealed record Reach(string? Prefix, IReadOnlyList<LevelModel> Levels, IInvocationOperation? Site = null);

        /// <summary>The source method (or local function) a node sits in, through lambdas; null outside one.</summary>
        public static IMethodSymbol? Enclosing(SyntaxNode node, SemanticModel model, CancellationToken ct)
        {
            for (var symbol = model.GetEnclosingSymbol(node.SpanStart, ct); symbol is not null; symbol = symbol.ContainingSymbol)
            {
                if (symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } method)
                    return method.OriginalDefinition;
                if (symbol is not IMethodSymbol)
                    return null;
            }
            return null;
        }

        /// <summary>
        /// What each call of <paramref name="helper"/> passes for <paramref name="parameterKey"/>, one reach per path; a
        /// single unknown reach (no prefix, no levels) when it has no call site in the compilation, when it is also used
        /// otherwise, past <see cref="MaxDepth"/> and on a cycle (a recursive helper proves nothing about itself).
        /// </summary>
        public static IReadOnlyList<Reach> Reaching(IMethodSymbol helper, string parameterKey, SemanticModel model, CancellationToken ct)
        {
            var cache = s_reaches.GetValue(model.Compilation, static _ => new ConcurrentDictionary<string, IReadOnlyList<Reach>>(StringComparer.Ordinal));
            if (cache.TryGetValue(parameterKey, out var cached))
                return cached;
            if (t_depth > MaxDepth || !Visiting.Add(parameterKey))
                return new[] { new Reach(null, Array.Empty<LevelModel>()) };
            t_depth++;
            try
            {
                var sites = Of(helper, model, ct);
                IReadOnlyList<Reach> result = sites is not { Count: > 0 } ? new[] { new Reach(null, Array.Empty<LevelModel>()) }
                    : sites.SelectMany(s => FromSite(s.Call, s.Model, helper.Parameters[Ordinal(parameterKey)], ct)).ToList();
                return cache.GetOrAdd(parameterKey, result);
            }
            finally
            {
                t_depth--;
                Visiting.Remove(parameterKey);
            }
        }

        /// <summary>What one call passes for <paramref name="parameter"/>: its own groups, and its callers' when it passes a parameter on.</summary>
        public static IEnumerable<Reach> FromSite(IInvocationOperation call, SemanticModel model, IParameterSymbol parameter, CancellationToken ct)
        {
            var site = MinimalApiFacts.CallSite(call, parameter, model, ct);
            if (site is null)
                return new[] { new Reach(null, Array.Empty<LevelModel>(), call) };
            if (site.Known)
                return new[] { new Reach(site.Prefix, site.Levels, call) };
            if (site.ParentParameter is { } parent && Enclosing(call.Syntax, model, ct) is { } caller)
            {
                return Reaching(caller, parent, model, ct).Select(outer => new Reach(
                    outer.Prefix is null || !site.PrefixConstant ? null : Routes.CombineGroup(outer.Prefix, site.Prefix),
                    outer.Levels.Concat(site.Levels).ToList(), call));
            }
            return new[] { new Reach(null, site.Levels, call) };
        }

        public static int Ordinal(string parameterKey)
            => int.Parse(parameterKey.Substring(parameterKey.LastIndexOf('#') + 1), System.Globalization.CultureInfo.InvariantCulture);

        private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<string, IReadOnlyList<Reach>>> s_reaches =
            new ConditionalWeakTable<Compilation, ConcurrentDictionary<string, IReadOnlyList<Reach>>>();

        [ThreadStatic] private static HashSet<string>? t_visiting;
        [ThreadStatic] private static int t_depth;

        private static HashSet<string> Visiting => t_visiting ??= new HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// Every call of a source method in the compilation, with the model of its tree; null when the method is
        /// also used otherwise (a method group, a failed binding), since then who gets or passes the builder is unknown.
        /// </summary>
        public static IReadOnlyList<(IInvocationOperation Call, SemanticModel Model)>? Of(IMethodSymbol method, SemanticModel model, CancellationToken ct)
        {
            var sites = new List<(IInvocationOperation, SemanticModel)>();
            var index = s_names.GetValue(model.Compilation, static compilation => new Lazy<Dictionary<string, List<SimpleNameSyntax>>>(
                () => IndexNames(compilation), LazyThreadSafetyMode.ExecutionAndPublication));
            if (!index.Value.TryGetValue(method.Name, out var names))
                return sites;
            foreach (var name in names)
            {
                ct.ThrowIfCancellationRequested();
                var siteModel = ModelFor(name.SyntaxTree, model);
                var info = siteModel.GetSymbolInfo(name, ct);
                if (info.Symbol is not IMethodSymbol symbol)
                {
                    if (info.CandidateSymbols.Any(c => c is IMethodSymbol candidate && SameMethod(candidate, method)))
                        return null;
                    continue;
                }
                if (!SameMethod(symbol, method))
                    continue;
                var invocationSyntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name
                    ? access.Parent as InvocationExpressionSyntax
                    : name.Parent as InvocationExpressionSyntax;
                if (invocationSyntax is null || siteModel.GetOperation(invocationSyntax, ct) is not IInvocationOperation call)
                    return null;
                sites.Add((call, siteModel));
            }
            return sites;
        }

        /// <summary>
        /// The model of a tree of the compilation, one per tree: a fresh model binds a helper's whole body again for each
        /// question (in the generator that was most of its run). The first model seen for a tree is kept, the caller's
        /// own included, so the generator's transforms and the helpers they follow into that tree share one binding.
        /// Inside the analyzer driver the compilation's own caching provider already hands out the driver's model; in
        /// the generator every model comes from <see cref="GeneratorModelFor"/>, which made the compilation's cache.
        /// </summary>
        public static SemanticModel ModelFor(SyntaxTree tree, SemanticModel current)
        {
            var cache = s_models.GetValue(current.Compilation, static c => new ModelCache(t => c.GetSemanticModel(t)));
            var own = cache.Models.GetOrAdd(current.SyntaxTree, current);
            return tree == current.SyntaxTree ? own : cache.Models.GetOrAdd(tree, cache.Create);
        }

        /// <summary>
        /// The generator's model of a tree: nullable analysis off. The generator reads symbols, constants and operation
        /// shapes, never nullability, and its compilation is never compiled (the app's build binds the output again),
        /// while the driver's models ran the nullable walker over every member they bound: half of the generator's run
        /// at 2,000 endpoints. The analyzers keep the driver's models, whose binding the compiler's own warnings share.
        /// Every generator transform asks here first, so the compilation's cache makes its other models the same way.
        /// </summary>
        public static SemanticModel GeneratorModelFor(SyntaxTree tree, Compilation compilation)
        {
            var cache = s_models.GetValue(compilation, static c => new ModelCache(t => WithoutNullability(c, t)));
            return cache.Models.GetOrAdd(tree, cache.Create);
        }

        private static readonly ConditionalWeakTable<Compilation, ModelCache> s_models = new ConditionalWeakTable<Compilation, ModelCache>();

        private sealed class ModelCache(Func<SyntaxTree, SemanticModel> create)
        {
            public ConcurrentDictionary<SyntaxTree, SemanticModel> Models { get; } = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

            public Func<SyntaxTree, SemanticModel> Create { get; } = create;
        }

        private static bool s_withoutOptions;

        /// <summary>A model without nullable analysis; the driver's kind of model (only slower) on a compiler without the option.</summary>
        private static SemanticModel WithoutNullability(Compilation compilation, SyntaxTree tree)
        {
            if (!Volatile.Read(ref s_withoutOptions))
            {
                try
                {
                    return WithOptions(compilation, tree);
                }
                catch (Exception e) when (e is MissingMethodException or TypeLoadException)
                {
                    Volatile.Write(ref s_withoutOptions, true);
                }
            }
            return compilation.GetSemanticModel(tree);
        }

        // Roslyn marks the option experimental (dotnet/roslyn#70609); it is in 4.14 and in 5.9. Its own method, so a
        // compiler without it fails this call (caught above), not the JIT of the caller.
        [MethodImpl(MethodImplOptions.NoInlining)]
#pragma warning disable RSEXPERIMENTAL001
        private static SemanticModel WithOptions(Compilation compilation, SyntaxTree tree)
            => compilation.GetSemanticModel(tree, SemanticModelOptions.DisableNullableAnalysis);
#pragma warning restore RSEXPERIMENTAL001

        private static bool SameMethod(IMethodSymbol symbol, IMethodSymbol method)
            => SymbolEqualityComparer.Default.Equals((symbol.ReducedFrom ?? symbol).OriginalDefinition, (method.ReducedFrom ?? method).OriginalDefinition);

        private static readonly ConditionalWeakTable<Compilation, Lazy<Dictionary<string, List<SimpleNameSyntax>>>> s_names =
            new ConditionalWeakTable<Compilation, Lazy<Dictionary<string, List<SimpleNameSyntax>>>>();

        /// <summary>Every simple name in the compilation's trees, by text; built once per compilation, only when a helper is followed.</summary>
        private static Dictionary<string, List<SimpleNameSyntax>> IndexNames(Compilation compilation)
        {
            var index = new Dictionary<string, List<SimpleNameSyntax>>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    if (node is not SimpleNameSyntax name)
                        continue;
                    var text = name.Identifier.ValueText;
                    if (!index.TryGetValue(text, out var list))
                        index[text] = list = new List<SimpleNameSyntax>();
                    list.Add(name);
                }
            }
            return index;
        }
    }
}
