using System.Collections.Generic;
using System.Linq;
using System.Threading;
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

        /// <summary>
        /// Formats like the runtime's PermissionName.Format, without throwing: a missing or malformed scope is kept
        /// as written (the analyzers report it; the runtime refuses it at start-up).
        /// </summary>
        public static string Format(int keyType, string? scope)
        {
            switch (keyType)
            {
                case 0: return "read:" + (scope ?? string.Empty);
                case 1: return "write:" + (scope ?? string.Empty);
                case 2: return "delete:" + (scope ?? string.Empty);
                case 3: return "admin";
                default: return keyType.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + (scope ?? string.Empty);
            }
        }

        /// <summary>The declaration made directly on a method or lambda (one level).</summary>
        public static Level OfMethod(IMethodSymbol method)
        {
            var level = Level.From(EndpointRules.DeclarationOf(method), method.GetAttributes());
            for (var current = method.OverriddenMethod; current is not null; current = current.OverriddenMethod)
                level.AddFlags(FlagsOf(current.GetAttributes()));
            return level;
        }

        /// <summary>The key kinds and workspace scoping that attributes of this type name add.</summary>
        public static DeclarationFlags FlagsOf(string? typeName) => typeName switch
        {
            "Declarative.Auth.RequiresAnyKeyAttribute" => DeclarationFlags.AnyKey,
            "Declarative.Auth.EventIngestionAttribute" => DeclarationFlags.EventIngestion,
            "Declarative.Auth.RequiresOrganizationsKeyAttribute" => DeclarationFlags.OrganizationsKey,
            "Declarative.Auth.RequiresWorkspaceAttribute" => DeclarationFlags.Workspace,
            _ => DeclarationFlags.None,
        };

        /// <summary>The flags of fluent calls: RequireAnyKey, AcceptEventWriteKeys, RequireOrganizationsKey, RequireWorkspace.</summary>
        public static DeclarationFlags FluentFlagsOf(IMethodSymbol method)
        {
            var original = method.ReducedFrom ?? method;
            if (!original.IsExtensionMethod || original.ContainingNamespace?.ToDisplayString() != "Declarative.Auth")
                return DeclarationFlags.None;
            return original.Name switch
            {
                "RequireAnyKey" => DeclarationFlags.AnyKey,
                "AcceptEventWriteKeys" => DeclarationFlags.EventIngestion,
                "RequireOrganizationsKey" => DeclarationFlags.OrganizationsKey,
                "RequireWorkspace" => DeclarationFlags.Workspace,
                _ => DeclarationFlags.None,
            };
        }

        private static DeclarationFlags FlagsOf(IEnumerable<AttributeData> attributes)
        {
            var flags = DeclarationFlags.None;
            foreach (var attribute in attributes)
                flags |= FlagsOf(attribute.AttributeClass?.ToDisplayString());
            return flags;
        }

        /// <summary>
        /// The declaration of a class: <see cref="EndpointRules.DeclarationOf"/> stops at the nearest class in the
        /// base chain that declares anything; the permissions come from that same class.
        /// </summary>
        public static Level OfClass(INamedTypeSymbol type)
        {
            var kind = EndpointRules.DeclarationOf(type);
            var flags = DeclarationFlags.None;
            for (var current = type; current is not null; current = current.BaseType)
                flags |= FlagsOf(current.GetAttributes());
            var result = Level.None;
            if (kind != DeclarationKind.None)
            {
                for (var current = type; current is not null; current = current.BaseType)
                {
                    var attributes = current.GetAttributes();
                    if (attributes.Any(a => EndpointRules.Classify(a) != DeclarationKind.None))
                    {
                        result = Level.From(kind, attributes);
                        break;
                    }
                }
            }
            result.AddFlags(flags);
            return result;
        }

        /// <summary>One level's declaration: its kind and, for RequiresKey, the permissions.</summary>
        internal sealed class Level
        {
            /// <summary>A fresh, empty level (levels are mutable while a chain is read, so never shared).</summary>
            public static Level None => new Level();

            private readonly SortedSet<string> _permissions = new SortedSet<string>(System.StringComparer.Ordinal);
            private readonly List<(DeclarationKind Kind, string? Permission)> _added = new List<(DeclarationKind Kind, string? Permission)>();

            /// <summary>Every <see cref="Add"/> call, in order, so a cached level can be replayed into another.</summary>
            public IReadOnlyList<(DeclarationKind Kind, string? Permission)> Added => _added;

            public DeclarationKind Kind { get; private set; }

            public IEnumerable<string> Permissions => _permissions;

            /// <summary>Key kinds and workspace scoping named at this level (whether or not it declares).</summary>
            public DeclarationFlags Flags { get; private set; }

            public void AddFlags(DeclarationFlags flags) => Flags |= flags;

            public static Level From(DeclarationKind kind, IEnumerable<AttributeData> attributes)
            {
                var level = new Level { Kind = kind };
                level.Flags = FlagsOf(attributes);
                if (kind == DeclarationKind.RequiresKey)
                {
                    foreach (var attribute in attributes)
                    {
                        if (PermissionOf(attribute) is { } permission)
                            level._permissions.Add(permission);
                    }
                }
                return level;
            }

            /// <summary>Adds one fluent call; RequiresKey wins at one level, as in <see cref="EndpointRules.DeclarationOf"/>.</summary>
            public void Add(DeclarationKind kind, string? permission)
            {
                if (kind == DeclarationKind.None)
                    return;
                _added.Add((kind, permission));
                if (kind == DeclarationKind.RequiresKey)
                {
                    if (Kind != DeclarationKind.RequiresKey)
                        _permissions.Clear();
                    Kind = DeclarationKind.RequiresKey;
                    if (permission is not null)
                        _permissions.Add(permission);
                }
                else if (Kind == DeclarationKind.None)
                {
                    Kind = kind;
                }
            }
        }

        /// <summary>Nearest level with a declaration wins; none → undeclared.</summary>
        public static DeclarationModel Resolve(IEnumerable<(Level Level, DeclarationLevel Where)> levels)
        {
            // Flags are a union over every level: the runtime reads them from all of the endpoint's metadata.
            var list = levels.ToList();
            var flags = DeclarationFlags.None;
            foreach (var (level, _) in list)
                flags |= level.Flags;
            return ResolveNearest(list) with { Flags = flags };
        }

        private static DeclarationModel ResolveNearest(IEnumerable<(Level Level, DeclarationLevel Where)> levels)
        {
            foreach (var (level, where) in levels)
            {
                switch (level.Kind)
                {
                    case DeclarationKind.RequiresKey:
                        return new DeclarationModel(Access.Key, level.Permissions.ToEquatableArray(), where);
                    case DeclarationKind.AllowAnonymous:
                        return new DeclarationModel(Access.Public, EquatableArray<string>.Empty, where);
                    case DeclarationKind.Authorize:
                        return new DeclarationModel(Access.Authorize, EquatableArray<string>.Empty, where);
                }
            }
            return DeclarationModel.Undeclared;
        }
    }
}
