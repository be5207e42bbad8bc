using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Analysis;
using Declarative.Auth.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Key classes that do not mix, over the endpoints the shared analysis layer reads, resolved by the shared rule:
    /// DAUTH014 <c>[EventIngestion]</c> on GET/HEAD/DELETE; DAUTH015 <c>[EventIngestion]</c> where admin is required;
    /// DAUTH016 <c>[RequiresOrganizationsKey]</c> with a key requirement; DAUTH017 admin on a workspace-scoped endpoint
    /// no request can name a workspace for. Reported on the declaration to remove when it is written on the handler,
    /// action, endpoint chain or controller (the fix removes it), else on the endpoint.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class KeyClassAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the location is the declaration the fix removes.</summary>
        public const string RemovableProperty = "Removable";

        private static readonly string[] s_readOrDelete = { "GET", "HEAD", "DELETE" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.EventIngestionOnReadOrDelete,
            DiagnosticDescriptors.EventIngestionWithAdmin,
            DiagnosticDescriptors.OrganizationsKeyWithKey,
            DiagnosticDescriptors.AdminWorkspaceUnnameable);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                var compilation = start.Compilation;
                if (compilation.GetTypeByMetadataName(Shared.EndpointRules.RequiresKeyAttribute) is null)
                    return;
                var index = EndpointIndex.For(compilation);
                EndpointSite.RegisterSites(start, (site, report, ct) => Check(site, index, report, ct));
            });
        }

        private static void Check(EndpointSite site, EndpointIndex index, Action<Diagnostic> report, CancellationToken ct)
        {
            var resolved = site.Resolved;
            var items = site.Facts.Levels.SelectMany(l => l.Items).ToList();

            if (resolved.Access == ResolvedAccess.OrganizationsKey)
            {
                // The organizations key beats everything; a key requirement next to it is never checked.
                var key = items.FirstOrDefault(i => i.Kind is DeclarationItemKind.Key or DeclarationItemKind.AnyKey);
                if (key is not null)
                {
                    var what = key.Kind == DeclarationItemKind.AnyKey ? "[RequiresAnyKey]"
                        : "[RequiresKey(" + (key.Value ?? "...") + ")]";
                    Report(site, DiagnosticDescriptors.OrganizationsKeyWithKey, site.DeclarationOf(ct, DeclarationItemKind.Key, DeclarationItemKind.AnyKey),
                        report, site.Display, what);
                }
                return;
            }
            if (resolved.Access != ResolvedAccess.Key)
                return;

            if (resolved.EventIngestion)
            {
                var reads = site.Facts.HttpMethods.Where(m => Array.IndexOf(s_readOrDelete, m.ToUpperInvariant()) >= 0).ToList();
                var ingestion = site.DeclarationOf(ct, DeclarationItemKind.EventIngestion);
                if (reads.Count > 0)
                {
                    var verb = reads.All(m => m.Equals("DELETE", StringComparison.OrdinalIgnoreCase)) ? "delete"
                        : reads.Any(m => m.Equals("DELETE", StringComparison.OrdinalIgnoreCase)) ? "read and delete"
                        : "read";
                    Report(site, DiagnosticDescriptors.EventIngestionOnReadOrDelete, ingestion, report, site.Display, string.Join("/", reads), verb);
                }
                else if (resolved.Permissions.Contains(PermissionText.Admin))
                {
                    Report(site, DiagnosticDescriptors.EventIngestionWithAdmin, ingestion, report, site.Display);
                }
            }

            if (resolved.Workspace && resolved.Permissions.Contains(PermissionText.Admin) && site.Facts.RouteKind == RouteKind.Constant)
            {
                // WorkspaceResolver.Enter: an unrestricted key must name a workspace; header and query sources always can.
                var all = index.WorkspaceSources(ct);
                if (all.Complete && all.Sources.Length > 0 && all.Sources.All(s => s.Kind == BindingSource.Route)
                    && !all.Sources.Any(s => RouteParameters.Has(site.Route, s.Name)))
                    Report(site, DiagnosticDescriptors.AdminWorkspaceUnnameable, null, report, site.Display, all.Describe());
            }
        }

        /// <summary>
        /// Minimal APIs: reported on the Map call's name (an operation action's diagnostic must lie in the operation it
        /// analyzes, or an IDE offers no fix until a full build), with the declaration — the handler's attribute or the
        /// chain's call — as additional location 0, which the fix removes. Controllers: on the attribute itself.
        /// </summary>
        private static void Report(EndpointSite site, DiagnosticDescriptor descriptor, Location? declaration, Action<Diagnostic> report, params object[] arguments)
        {
            var properties = declaration is null ? null : ImmutableDictionary<string, string?>.Empty.Add(RemovableProperty, "true");
            var onHandler = site.Invocation is not null;
            report(Diagnostic.Create(descriptor, onHandler || declaration is null ? site.Location : declaration,
                declaration is null ? null : new[] { declaration }, properties, arguments));
        }
    }
}
