using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// The endpoint facts of one compilation, computed once and read by every analyzer: each analyzer used to read the
    /// same Map call's facts, a controller's actions and the <c>MapControllers()</c> conventions again for itself (five
    /// to seven times per endpoint in a build). Keyed by compilation (all analyzers of a build share it; a cancelled
    /// computation caches nothing, so another analyzer's callback computes it again).
    /// </summary>
    internal sealed class EndpointIndex
    {
        private static readonly ConditionalWeakTable<Compilation, EndpointIndex> s_indexes = new ConditionalWeakTable<Compilation, EndpointIndex>();

        private static readonly string[] s_conventionMethods =
            { EndpointRules.MapControllersMethod, "MapControllerRoute", "MapAreaControllerRoute", "MapDefaultControllerRoute" };

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<SyntaxNode, EndpointModel?> _minimal = new ConcurrentDictionary<SyntaxNode, EndpointModel?>();
        private readonly ConcurrentDictionary<INamedTypeSymbol, List<(IMethodSymbol Action, EndpointModel Endpoint)>> _controllers =
            new ConcurrentDictionary<INamedTypeSymbol, List<(IMethodSymbol, EndpointModel)>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxNode, EndpointSite?> _sites = new ConcurrentDictionary<SyntaxNode, EndpointSite?>();
        private readonly object _gate = new object();
        private IReadOnlyList<(string Method, ControllerConventionsModel Conventions)>? _conventions;
        private WorkspaceSources? _workspaceSources;

        private EndpointIndex(Compilation compilation)
        {
            _compilation = compilation;
        }

        public static EndpointIndex For(Compilation compilation) => s_indexes.GetValue(compilation, static c => new EndpointIndex(c));

        /// <summary>A Map call's facts as the generator's table reads them (<see cref="MinimalApiFacts.Read"/>), read once.</summary>
        public EndpointModel? Facts(IInvocationOperation invocation, SemanticModel model, CancellationToken ct)
            => invocation.Syntax is not InvocationExpressionSyntax syntax ? null
                : _minimal.TryGetValue(syntax, out var known) ? known
                : _minimal.GetOrAdd(syntax, MinimalApiFacts.Read(syntax, invocation, model, ct));

        /// <summary>A Map call's <see cref="EndpointSite"/> (its facts resolved, its handler found), made once by <paramref name="make"/>.</summary>
        public EndpointSite? Site(SyntaxNode invocation, Func<EndpointSite?> make)
            => _sites.TryGetValue(invocation, out var known) ? known : _sites.GetOrAdd(invocation, make());

        /// <summary>A controller's endpoints (<see cref="ControllerFacts.Endpoints"/>), read once.</summary>
        public IReadOnlyList<(IMethodSymbol Action, EndpointModel Endpoint)> Controller(INamedTypeSymbol type, CancellationToken ct)
            => _controllers.TryGetValue(type, out var known) ? known : _controllers.GetOrAdd(type, ControllerFacts.Endpoints(type, ct));

        /// <summary>
        /// Every call of MVC's <c>MapControllers</c>, <c>MapControllerRoute</c>, <c>MapAreaControllerRoute</c> and
        /// <c>MapDefaultControllerRoute</c>, with what its groups and fluent calls declare, read as the generator reads
        /// <c>MapControllers()</c>. Only trees whose text names such a method are walked and bound.
        /// </summary>
        public IReadOnlyList<(string Method, ControllerConventionsModel Conventions)> Conventions(CancellationToken ct)
            => Once(ref _conventions, () => ReadConventions(ct));

        /// <summary>Where the verifier reads a workspace id (<see cref="WorkspaceSources.Read"/>), read once.</summary>
        public WorkspaceSources WorkspaceSources(CancellationToken ct) => Once(ref _workspaceSources, () => Analyzers.WorkspaceSources.Read(this, ct));

        /// <summary>
        /// The trees whose text holds one of <paramref name="words"/> (all trees when a <c>\u</c> escape could spell an
        /// identifier another way, or a tree's text is not at hand): the only ones a search for a call by name must walk.
        /// </summary>
        public IEnumerable<SyntaxTree> TreesNaming(params string[] words)
        {
            foreach (var tree in _compilation.SyntaxTrees)
            {
                if (!tree.TryGetText(out var text) || text.ToString() is var source && (source.IndexOf("\\u", StringComparison.Ordinal) >= 0
                        || words.Any(w => source.IndexOf(w, StringComparison.Ordinal) >= 0)))
                    yield return tree;
            }
        }

        /// <summary>The model of one tree, from the driver's cache (a whole-compilation search is answered once, here).</summary>
#pragma warning disable RS1030 // Calls searched for live in other files than the analyzed node; the driver's model cache serves this.
        public SemanticModel Model(SyntaxTree tree) => _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

        /// <summary>Computed once under a lock; an exception (a cancelled callback) stores nothing, so the next reader computes it.</summary>
        private T Once<T>(ref T? field, Func<T> compute)
            where T : class
        {
            var done = Volatile.Read(ref field);
            if (done is not null)
                return done;
            lock (_gate)
                return field ??= compute();
        }

        private List<(string, ControllerConventionsModel)> ReadConventions(CancellationToken ct)
        {
            var result = new List<(string, ControllerConventionsModel)>();
            foreach (var tree in TreesNaming("MapController", "ControllerRoute"))
            {
                SemanticModel? model = null;
                foreach (var invocation in tree.GetRoot(ct).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (Operations.NameToken(invocation.Expression) is not { } name || Array.IndexOf(s_conventionMethods, name.ValueText) < 0)
                        continue;
                    model ??= Model(tree);
                    if (MinimalApiFacts.ControllerConventions(invocation, model, ct) is { } conventions)
                        result.Add((name.ValueText, conventions));
                }
            }
            return result;
        }
    }
}
