using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Where the verifier reads a workspace id (the runtime's WorkspaceOptions / WorkspaceResolver), as far as the build
    /// can see it: every <c>Workspace.FromHeader/FromQuery/FromRoute("name")</c> call in the compilation (all of them: an
    /// assembly may host several apps), else the runtime's defaults — header <c>Workspace</c>, query <c>workspaceId</c>,
    /// route value <c>workspaceId</c>. Sources added another way (configuration, <c>Sources.Add</c>, a name that is not a
    /// constant) make the set <see cref="Complete"/> false: rules that need to know what is NOT checked then stay quiet.
    /// </summary>
    internal sealed class WorkspaceSources(ImmutableArray<(BindingSource Kind, string Name)> sources, bool complete)
    {
        /// <summary>The runtime's default route source name, and the name a route parameter holding a workspace usually has.</summary>
        public const string DefaultRouteName = "workspaceId";

        private static readonly string[] s_methods = { "FromHeader", "FromQuery", "FromRoute" };

        public ImmutableArray<(BindingSource Kind, string Name)> Sources { get; } = sources;

        /// <summary>False when a source is configured in a way the build cannot read.</summary>
        public bool Complete { get; } = complete;

        public static readonly WorkspaceSources Defaults = new WorkspaceSources(
            ImmutableArray.Create((BindingSource.Header, "Workspace"), (BindingSource.Query, DefaultRouteName), (BindingSource.Route, DefaultRouteName)),
            complete: true);

        /// <summary>Whether the verifier reads a workspace from <paramref name="source"/> under <paramref name="name"/> (headers, query keys and route values are case-insensitive).</summary>
        public bool Checks(BindingSource source, string name)
            => Sources.Any(s => s.Kind == source && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>The route parameter names that name a workspace: the route sources, and <c>workspaceId</c>.</summary>
        public IEnumerable<string> RouteNames
            => Sources.Where(s => s.Kind == BindingSource.Route).Select(s => s.Name).Append(DefaultRouteName).Distinct(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Whether a parameter or property name says it holds a workspace id: <c>workspace</c>, <c>workspaceId</c>,
        /// <c>X-Workspace(-Id)</c>, any case and separators, or a configured source's name.
        /// </summary>
        public bool IsWorkspaceName(string name)
        {
            var normalized = Normalize(name);
            return normalized is "workspace" or "workspaceid" or "xworkspace" or "xworkspaceid"
                   || Sources.Any(s => Normalize(s.Name) == normalized);
        }

        /// <summary>"the 'Workspace' header, the 'workspaceId' query parameter or the '{workspaceId}' route segment".</summary>
        public string Describe() => string.Join(", ", Sources.Select(s => Describe(s.Kind, s.Name)));

        public static string Describe(BindingSource kind, string name) => kind switch
        {
            BindingSource.Header => "the '" + name + "' header",
            BindingSource.Query => "the '" + name + "' query parameter",
            BindingSource.Route => "the '{" + name + "}' route segment",
            BindingSource.Body => "the request body",
            BindingSource.Form => "the '" + name + "' form field",
            _ => "'" + name + "'",
        };

        private static string Normalize(string name)
            => new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

        /// <summary>Reads the compilation once (<see cref="EndpointIndex.WorkspaceSources"/>); only trees that mention one of the methods are bound.</summary>
        public static WorkspaceSources Read(EndpointIndex index, CancellationToken ct)
        {
            var found = new List<(BindingSource, string)>();
            var complete = true;
            foreach (var tree in index.TreesNaming("FromHeader", "FromQuery", "FromRoute", "Sources"))
            {
                SemanticModel? model = null;
                foreach (var invocation in tree.GetRoot(ct).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    // Syntax first: only FromHeader/FromQuery/FromRoute calls and `<...>.Sources.Add(...)` are bound.
                    if (Operations.NameToken(invocation.Expression) is not { } name
                        || Array.IndexOf(s_methods, name.ValueText) < 0
                           && !(name.ValueText == "Add" && invocation.Expression is MemberAccessExpressionSyntax { Expression: var receiver }
                                && Operations.NameToken(receiver) is { ValueText: "Sources" }))
                        continue;
                    model ??= index.Model(tree);
                    if (model.GetOperation(invocation, ct) is not IInvocationOperation call)
                        continue;
                    var method = call.TargetMethod;
                    if (method.ContainingType?.ToDisplayString() == "Declarative.Auth.WorkspaceOptions" && Array.IndexOf(s_methods, method.Name) >= 0)
                    {
                        var kind = method.Name == "FromHeader" ? BindingSource.Header : method.Name == "FromQuery" ? BindingSource.Query : BindingSource.Route;
                        if (call.Arguments.Length == 1 && Operations.Unwrap(call.Arguments[0].Value)?.ConstantValue is { HasValue: true, Value: string text })
                            found.Add((kind, text));
                        else
                            complete = false;
                    }
                    else if (method.Name == "Add" && call.Instance?.Type is INamedTypeSymbol { TypeArguments.Length: 1 } list
                             && list.TypeArguments[0].ToDisplayString() == "Declarative.Auth.WorkspaceSource")
                    {
                        complete = false;
                    }
                }
            }
            return found.Count == 0 && complete
                ? Defaults
                : new WorkspaceSources(found.Distinct().ToImmutableArray(), complete);
        }
    }
}
