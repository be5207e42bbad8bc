using System.Linq;
using System.Threading;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Declarative.Auth.Analysis;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Generator
{
    /// <summary>Reads declarations (attributes, fluent calls) into permission strings and levels.</summary>
    internal static class DeclarationsTransform
    {
        /// <summary>ForAttributeWithMetadataName transform: a class, method or local function carrying [RequiresKey].</summary>
        public static DeclaredSymbolModel Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var permissions = context.Attributes
                .Select(EndpointRules.PermissionOf)
                .OfType<string>()
                .Distinct()
                .OrderBy(p => p, System.StringComparer.Ordinal);
            return new DeclaredSymbolModel(permissions.ToEquatableArray());
        }

        /// <summary>The endpoint's table row: the shared precedence rule over its levels outer → inner, as the table and docs need it.</summary>
        public static EntryModel Entry(EndpointModel endpoint, string sourceFile)
        {
            var resolved = Declarations.Resolve(endpoint.Levels);
            var flags = (resolved.AnyKey ? DeclarationFlags.AnyKey : 0)
                        | (resolved.EventIngestion ? DeclarationFlags.EventIngestion : 0)
                        | (resolved.Workspace ? DeclarationFlags.Workspace : 0)
                        | (resolved.OrAuthorization ? DeclarationFlags.OrAuthorization : 0)
                        | (resolved.WhereUndeclared ? DeclarationFlags.WhereUndeclared : 0);
            var permissions = resolved.Access == ResolvedAccess.Key ? resolved.Permissions.ToEquatableArray() : EquatableArray<string>.Empty;
            return new EntryModel(endpoint.HttpMethods, endpoint.Route, endpoint.Pattern, endpoint.RouteKind, resolved.Access, permissions, endpoint.Handler, sourceFile, endpoint.Line)
            {
                Flags = flags,
                AuthorizationPolicy = resolved.AuthorizationPolicy,
            };
        }
    }
}
