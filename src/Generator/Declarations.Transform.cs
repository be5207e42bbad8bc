using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
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
                .Select(PermissionOf)
                .Where(p => p is not null)
                .Select(p => p!)
                .Distinct()
                .OrderBy(p => p, System.StringComparer.Ordinal);
            return new DeclaredSymbolModel(
                context.TargetSymbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                permissions.ToEquatableArray());
        }

        /// <summary>The permission a [RequiresKey] attribute names, or null when it is not one or its arguments are not constant.</summary>
        public static string? PermissionOf(AttributeData attribute)
        {
            if (EndpointRules.Classify(attribute) != DeclarationKind.RequiresKey || attribute.ConstructorArguments.Length < 1)
                return null;
            var type = attribute.ConstructorArguments[0];
            if (type.Kind != TypedConstantKind.Enum || type.Value is null)
                return null;
            string? scope = null;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Scope")
                    scope = named.Value.Value as string;
            }
            return Format(System.Convert.ToInt32(type.Value, System.Globalization.CultureInfo.InvariantCulture), scope);
        }

        public static string Format(int keyType, string? scope) => Rules.PermissionText.Format(keyType, scope);

        /// <summary>
        /// The items of a method's own attributes, overridden methods' included (MVC reads them with inherit: true).
        /// </summary>
        public static Level OfMethod(IMethodSymbol method)
        {
            var level = new Level();
            for (var current = method; current is not null; current = current.OverriddenMethod)
                level.AddAttributes(current.GetAttributes());
            return level;
        }

        /// <summary>A class's items, its base classes' after its own (Type.GetCustomAttributes(inherit: true) order).</summary>
        public static Level OfClass(INamedTypeSymbol type)
        {
            var level = new Level();
            for (var current = type; current is not null; current = current.BaseType)
                level.AddAttributes(current.GetAttributes());
            return level;
        }

        /// <summary>The declaration item a metadata type stands for (ours by name, ASP.NET Core's by interface), or null.</summary>
        public static DeclarationItemKind? KindOf(ITypeSymbol? type)
        {
            switch (type?.ToDisplayString())
            {
                case null: return null;
                case EndpointRules.RequiresKeyAttribute: return DeclarationItemKind.Key;
                case "Declarative.Auth.RequiresAnyKeyAttribute": return DeclarationItemKind.AnyKey;
                case "Declarative.Auth.RequiresOrganizationsKeyAttribute": return DeclarationItemKind.OrganizationsKey;
                case "Declarative.Auth.EventIngestionAttribute": return DeclarationItemKind.EventIngestion;
                case "Declarative.Auth.RequiresWorkspaceAttribute": return DeclarationItemKind.Workspace;
                case "Declarative.Auth.OrAuthorizationAttribute": return DeclarationItemKind.OrAuthorization;
            }
            foreach (var iface in type!.AllInterfaces)
            {
                var name = iface.ToDisplayString();
                if (name == "Microsoft.AspNetCore.Authorization.IAllowAnonymous")
                    return DeclarationItemKind.AllowAnonymous;
                if (name == "Microsoft.AspNetCore.Authorization.IAuthorizeData")
                    return DeclarationItemKind.Authorize;
            }
            return null;
        }

        private static string? NamedString(AttributeData attribute, string name)
            => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

        /// <summary>One level's declaration items, in metadata order.</summary>
        internal sealed class Level
        {
            private readonly List<DeclarationItem> _items = new List<DeclarationItem>();

            /// <summary>A fresh, empty level (levels are mutable while a chain is read, so never shared).</summary>
            public static Level None => new Level();

            public IReadOnlyList<DeclarationItem> Items => _items;

            public bool Declares => _items.Count > 0;

            public void Add(DeclarationItem item) => _items.Add(item);

            public void AddAttributes(IEnumerable<AttributeData> attributes)
            {
                foreach (var attribute in attributes)
                {
                    var kind = KindOf(attribute.AttributeClass);
                    if (kind is { } k)
                        _items.Add(new DeclarationItem(k, k == DeclarationItemKind.Key ? PermissionOf(attribute)
                            : k == DeclarationItemKind.OrAuthorization ? NamedString(attribute, "Policy") : null));
                }
            }

            public LevelModel ToModel(bool isMethod, DeclarationLevel where)
                => new LevelModel(_items.Select(i => new ItemModel(i.Kind, i.Value)).ToEquatableArray(), isMethod, where);
        }

        /// <summary>The shared precedence rule over levels outer → inner, as the docs and table need it.</summary>
        public static DeclarationModel Resolve(IReadOnlyList<LevelModel> levels)
        {
            var items = levels.Select(l => new DeclarationLevelItems(l.Items.Select(i => new DeclarationItem(i.Kind, i.Value)).ToList(), l.IsMethod)).ToList();
            var resolved = DeclarationPrecedence.Resolve(items);
            var flags = (resolved.AnyKey ? DeclarationFlags.AnyKey : 0)
                        | (resolved.EventIngestion ? DeclarationFlags.EventIngestion : 0)
                        | (resolved.Workspace ? DeclarationFlags.Workspace : 0)
                        | (resolved.Access == ResolvedAccess.OrganizationsKey ? DeclarationFlags.OrganizationsKey : 0)
                        | (resolved.OrAuthorization ? DeclarationFlags.OrAuthorization : 0)
                        | (resolved.WhereUndeclared ? DeclarationFlags.WhereUndeclared : 0);
            var access = resolved.Access switch
            {
                ResolvedAccess.Key or ResolvedAccess.OrganizationsKey => Access.Key,
                ResolvedAccess.Public => Access.Public,
                ResolvedAccess.Authorize => Access.Authorize,
                _ => Access.Undeclared,
            };
            return new DeclarationModel(access, resolved.Permissions.ToEquatableArray(), resolved.Level < 0 ? DeclarationLevel.None : levels[resolved.Level].Where)
            {
                Flags = flags,
                AuthorizationPolicy = resolved.AuthorizationPolicy,
            };
        }
    }
}
