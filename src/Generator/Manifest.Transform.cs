using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Declarative.Auth.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Auth.Generator
{
    /// <summary>Combines the collected models into the manifest: catalog, constant names, sorted table.</summary>
    internal static class ManifestTransform
    {
        private static readonly string[] s_reservedNames = { "All", "Permissions", "Count" };

        public static CompilationInfoModel CompilationInfo(Compilation compilation, CancellationToken cancellationToken)
            => new CompilationInfoModel(
                compilation.AssemblyName ?? string.Empty,
                compilation.GetTypeByMetadataName(Shared.EndpointRules.RequiresKeyAttribute) is not null,
                compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null)
            {
                ScopeDescriptions = ScopeDescriptions(compilation, cancellationToken),
            };

        /// <summary><c>[assembly: PermissionScope(scope, description)]</c>: the first description of each scope, ordinal by scope.</summary>
        private static EquatableArray<ScopeDescriptionModel> ScopeDescriptions(Compilation compilation, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return PermissionScopes.Of(compilation).Where(s => s.Description is not null)
                .GroupBy(s => s.Scope, StringComparer.Ordinal).Select(g => new ScopeDescriptionModel(g.Key, g.First().Description!))
                .OrderBy(d => d.Scope, StringComparer.Ordinal).ToEquatableArray();
        }

        public static ManifestModel? Build(
            CompilationInfoModel info,
            string? projectDirectory,
            ImmutableArray<DeclaredSymbolModel> declared,
            ImmutableArray<EndpointModel> minimalApis,
            ImmutableArray<ControllerModel> controllers,
            ImmutableArray<ControllerConventionsModel> controllerConventions)
        {
            if (!info.ReferencesRuntime)
                return null;

            // MapControllers() and its groups' conventions are OUTSIDE the controller class (ASP.NET Core: a class's
            // [AllowAnonymous] beats them, though MVC appends their metadata last; the runtime's policy builder orders
            // them the same way): conventions → class (with bases) → action. With several
            // MapControllers() calls, an action's endpoint gets the levels of the one that maps it: the first is taken.
            var conventions = controllerConventions.IsDefaultOrEmpty ? EquatableArray<LevelModel>.Empty : controllerConventions[0].Levels;
            var endpoints = minimalApis.SelectMany(Expanded)
                .Concat(controllers.SelectMany(c => c.Endpoints)
                    .Select(e => conventions.Count == 0 ? e : e with { Levels = conventions.Concat(e.Levels).ToEquatableArray() }));

            var entries = endpoints
                .Select(e => DeclarationsTransform.Entry(e, RelativePath(e.FilePath, projectDirectory)))
                .OrderBy(e => e.Route is null ? 1 : 0)
                .ThenBy(e => e.Route ?? e.Pattern ?? string.Empty, StringComparer.Ordinal)
                .ThenBy(e => string.Join(",", e.HttpMethods), StringComparer.Ordinal)
                .ThenBy(e => e.SourceFile, StringComparer.Ordinal)
                .ThenBy(e => e.Line)
                .ThenBy(e => e.Handler, StringComparer.Ordinal)
                .ToEquatableArray();

            var values = new SortedSet<string>(declared.SelectMany(s => s.Permissions).Concat(entries.SelectMany(e => e.Permissions)), StringComparer.Ordinal);

            var descriptions = info.ScopeDescriptions.ToDictionary(d => d.Scope, d => d.Description, StringComparer.Ordinal);
            var used = new HashSet<string>(s_reservedNames, StringComparer.Ordinal);
            var permissions = values
                .Select((value, index) => new PermissionModel(value, UniqueName(ConstantName(value), used), index, DescriptionOf(value, descriptions)))
                .ToEquatableArray();

            return new ManifestModel(info.AssemblyName, info.HasModuleInitializer, permissions, entries);
        }

        /// <summary>The description of a permission's scope (<c>read:monitors</c> → <c>monitors</c>), or null.</summary>
        private static string? DescriptionOf(string permission, Dictionary<string, string> descriptions)
        {
            var colon = permission.IndexOf(':');
            var scope = colon < 0 ? permission : permission.Substring(colon + 1);
            return descriptions.TryGetValue(scope, out var description) ? description : null;
        }

        // IdentityApiEndpointRouteBuilderExtensions.MapIdentityApi (ASP.NET Core 10): the /manage group carries RequireAuthorization().
        private static readonly (string Method, string Path, bool Manage)[] s_identityEndpoints =
        {
            ("POST", "/register", false),
            ("POST", "/login", false),
            ("POST", "/refresh", false),
            ("GET", "/confirmEmail", false),
            ("POST", "/resendConfirmationEmail", false),
            ("POST", "/forgotPassword", false),
            ("POST", "/resetPassword", false),
            ("POST", "/manage/2fa", true),
            ("GET", "/manage/info", true),
            ("POST", "/manage/info", true),
        };

        private static readonly LevelModel s_manageGroup = new LevelModel(
            new[] { new ItemModel(Declarative.Auth.Rules.DeclarationItemKind.Authorize, null) }.ToEquatableArray(), false, DeclarationLevel.Group);

        /// <summary>A library producer with fixed endpoints → one row per endpoint, under the caller's prefix and declarations.</summary>
        private static IEnumerable<EndpointModel> Expanded(EndpointModel endpoint)
        {
            static string? Under(string? prefix, string path) => prefix is null ? null : Routes.Rooted(Routes.CombineGroup(prefix, path));
            switch (endpoint.Expansion)
            {
                case ProducerExpansion.IdentityApi:
                    return s_identityEndpoints.Select(e => endpoint with
                    {
                        HttpMethods = new[] { e.Method }.ToEquatableArray(),
                        Route = Under(endpoint.Route, e.Path),
                        Pattern = Under(endpoint.Pattern, e.Path),
                        Levels = e.Manage ? endpoint.Levels.Concat(new[] { s_manageGroup }).ToEquatableArray() : endpoint.Levels,
                        Expansion = ProducerExpansion.None,
                    });
                case ProducerExpansion.Hub:
                    return new[]
                    {
                        endpoint with { Expansion = ProducerExpansion.None },
                        endpoint with { Route = Under(endpoint.Route, "/negotiate"), Pattern = Under(endpoint.Pattern, "/negotiate"), Expansion = ProducerExpansion.None },
                    };
                default:
                    return new[] { endpoint };
            }
        }

        /// <summary>Relative to the project directory with '/' separators; the file name when outside it or unknown.</summary>
        internal static string RelativePath(string path, string? projectDirectory)
        {
            if (path.Length == 0)
                return path;
            var normalized = path.Replace('\\', '/');
            if (!string.IsNullOrEmpty(projectDirectory))
            {
                var root = projectDirectory!.Replace('\\', '/');
                if (!root.EndsWith("/", StringComparison.Ordinal))
                    root += "/";
                if (normalized.StartsWith(root, StringComparison.Ordinal))
                    return normalized.Substring(root.Length);
            }
            var slash = normalized.LastIndexOf('/');
            return slash < 0 ? normalized : normalized.Substring(slash + 1);
        }

        /// <summary><c>read:monitor-checks</c> → <c>ReadMonitorChecks</c>; <c>admin</c> → <c>Admin</c>.</summary>
        internal static string ConstantName(string permission)
        {
            var builder = new StringBuilder();
            foreach (var part in permission.Split(':', '-', '_', '.'))
            {
                var upper = true;
                foreach (var c in part)
                {
                    if (!char.IsLetterOrDigit(c))
                        continue;
                    builder.Append(upper ? char.ToUpperInvariant(c) : c);
                    upper = false;
                }
            }
            var name = builder.ToString();
            if (name.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(name[0]))
                name = "P" + name;
            return SyntaxFacts.IsValidIdentifier(name) ? name : "Permission";
        }

        private static string UniqueName(string name, HashSet<string> used)
        {
            var candidate = name;
            for (var suffix = 2; !used.Add(candidate); suffix++)
                candidate = name + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return candidate;
        }
    }
}
