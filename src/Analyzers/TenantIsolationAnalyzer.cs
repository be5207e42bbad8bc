using System;
using System.Collections.Immutable;
using System.Linq;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Tenant isolation, over the endpoints the shared analysis layer reads (key endpoints only: the verifier resolves
    /// workspaces for nothing else):
    /// DAUTH011 a route with a workspace parameter (<c>{workspaceId}</c> or a configured route source) on an endpoint
    /// that is not workspace-scoped; DAUTH012 a workspace-scoped handler binding a workspace-named parameter from a
    /// place the verifier does not read (<see cref="WorkspaceSources"/>); DAUTH013 a workspace-scoped endpoint whose
    /// body carries a workspace id.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TenantIsolationAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>DAUTH011 property: where the fix puts [RequiresWorkspace] (additional location 0): lambda or method.</summary>
        public const string TargetProperty = "Target";

        /// <summary>DAUTH012 properties: the source the fix binds the parameter from (Route, Query, Header) and its name; absent when no fix is clear.</summary>
        public const string SourceKindProperty = "SourceKind";
        public const string SourceNameProperty = "SourceName";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.WorkspaceRouteNotScoped,
            DiagnosticDescriptors.WorkspaceFromUncheckedSource,
            DiagnosticDescriptors.WorkspaceFromBody);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var compilation = start.Compilation;
                if (compilation.GetTypeByMetadataName("Declarative.Auth.RequiresWorkspaceAttribute") is null)
                    return;
                var index = EndpointIndex.For(compilation);
                EndpointSite.RegisterSites(start, (site, report, ct) => Check(site, index.WorkspaceSources(ct), report));
            });
        }

        private static void Check(EndpointSite site, WorkspaceSources sources, Action<Diagnostic> report)
        {
            // Public, [Authorize], organizations-key and undeclared endpoints never reach the workspace check.
            if (site.Resolved.Access != ResolvedAccess.Key)
                return;
            var route = site.Route;
            if (!site.Resolved.Workspace)
            {
                // A caller this build cannot see may add RequireWorkspace() to the group the endpoint is mapped on.
                if (site.Facts.RouteKind == RouteKind.PrefixUnknown)
                    return;
                var names = sources.RouteNames.ToList();
                var parameter = RouteParameters.Names(route).FirstOrDefault(p => names.Contains(p, StringComparer.OrdinalIgnoreCase));
                if (parameter is null)
                    return;
                var target = site.FixTarget;
                var properties = target is null ? null : ImmutableDictionary<string, string?>.Empty.Add(TargetProperty, target.Value.Kind);
                report(Diagnostic.Create(DiagnosticDescriptors.WorkspaceRouteNotScoped, site.Location, target is null ? null : new[] { target.Value.Location },
                    properties, site.Display, parameter));
                return;
            }
            if (site.Handler is null)
                return;
            foreach (var binding in site.Handler.Parameters.Select(p => ParameterBindings.Of(p, route, site.Controller is not null, site.ApiController)))
            {
                var location = binding.Parameter.Locations.FirstOrDefault(l => l.IsInSource);
                if (location is null)
                    continue;
                switch (binding.Source)
                {
                    case BindingSource.Route or BindingSource.Query or BindingSource.Header or BindingSource.Form
                        when sources.Complete && (sources.IsWorkspaceName(binding.Name) || sources.IsWorkspaceName(binding.Parameter.Name))
                             && ParameterBindings.IsSimple(binding.Parameter.Type) && !sources.Checks(binding.Source, binding.Name):
                        ReportUnchecked(site, sources, binding, location, report);
                        break;
                    case BindingSource.Body or BindingSource.Form:
                        if (WorkspaceField(binding, sources) is { } field)
                            report(Diagnostic.Create(DiagnosticDescriptors.WorkspaceFromBody, location, site.Display, field, binding.Parameter.Name));
                        break;
                }
            }
        }

        private static void ReportUnchecked(EndpointSite site, WorkspaceSources sources, ParameterBinding binding, Location location, Action<Diagnostic> report)
        {
            // The fix is clear when the route has a segment the verifier reads (bind from it), or the verifier reads the
            // same kind of place under another name (bind under that name); otherwise the handler should read GetWorkspace().
            var target = sources.Sources.Where(s => s.Kind == BindingSource.Route && RouteParameters.Has(site.Route, s.Name))
                .Concat(sources.Sources.Where(s => s.Kind == binding.Source))
                .Select(s => ((BindingSource Kind, string Name)?)s).FirstOrDefault();
            var properties = ImmutableDictionary<string, string?>.Empty;
            var advice = "read HttpContext.GetWorkspace() instead";
            if (target is { } t)
            {
                properties = properties.Add(SourceKindProperty, t.Kind.ToString()).Add(SourceNameProperty, t.Name);
                advice = "bind it from " + WorkspaceSources.Describe(t.Kind, t.Name) + ", or read HttpContext.GetWorkspace()";
            }
            report(Diagnostic.Create(DiagnosticDescriptors.WorkspaceFromUncheckedSource, location, properties,
                binding.Parameter.Name, site.Display, WorkspaceSources.Describe(binding.Source, binding.Name), sources.Describe(), advice));
        }

        /// <summary>The workspace-named field of a body-bound parameter: the parameter itself when simple, else a public property of its type.</summary>
        private static string? WorkspaceField(ParameterBinding binding, WorkspaceSources sources)
        {
            var type = binding.Parameter.Type;
            if (ParameterBindings.IsSimple(type))
                return sources.IsWorkspaceName(binding.Parameter.Name) ? binding.Parameter.Name : null;
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is not IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, SetMethod: not null } property
                        || !ParameterBindings.IsSimple(property.Type))
                        continue;
                    if (sources.IsWorkspaceName(property.Name) || (JsonName(property) is { } json && sources.IsWorkspaceName(json)))
                        return property.Name;
                }
            }
            return null;
        }

        private static string? JsonName(IPropertySymbol property)
            => property.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonPropertyNameAttribute"
                && a.ConstructorArguments.Length == 1 ? a.ConstructorArguments[0].Value as string : null).FirstOrDefault(name => name is not null);
    }
}
