// Shared by the generator and the analyzers (linked into both), so that the table the generator writes
// and the warnings the analyzer raises agree on what an endpoint is and what counts as a declaration.
using System;
using System.Collections.Immutable;
using System.Collections.Generic;
using System.Linq;
using Declarative.Auth.Rules;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Shared
{
    /// <summary>How an endpoint (or a level above it: group, class) is declared.</summary>
    internal enum DeclarationKind
    {
        None = 0,
        RequiresKey = 1,
        AllowAnonymous = 2,
        Authorize = 3,
    }

    internal static class EndpointRules
    {
        public const string RequiresKeyAttribute = "Declarative.Auth.RequiresKeyAttribute";

        /// <summary>Our other attributes that are declarations in their own right: each names who may call.</summary>
        public static readonly ImmutableHashSet<string> OtherKeyDeclarations = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Declarative.Auth.RequiresAnyKeyAttribute",
            "Declarative.Auth.RequiresOrganizationsKeyAttribute",
            "Declarative.Auth.EventIngestionAttribute");

        /// <summary>
        /// The symbol's full name (namespaces and containing types, '.'-separated, no type arguments) is <paramref name="fullName"/>.
        /// Compared name by name from the end without formatting the symbol: ToDisplayString allocates, and these checks
        /// run for every call, attribute and type on every chain the generator and the analyzers read.
        /// </summary>
        public static bool HasFullName(ISymbol? symbol, string fullName)
        {
            var end = fullName.Length;
            for (var current = symbol; current is not null and not INamespaceSymbol { IsGlobalNamespace: true }; current = current.ContainingSymbol)
            {
                var name = current.Name;
                var start = end - name.Length;
                if (start < 0 || string.CompareOrdinal(fullName, start, name, 0, name.Length) != 0)
                    return false;
                if (start == 0)
                    return current.ContainingSymbol is null or INamespaceSymbol { IsGlobalNamespace: true };
                if (fullName[start - 1] != '.')
                    return false;
                end = start - 1;
            }
            return false;
        }

        private const string AllowAnonymousInterface = "Microsoft.AspNetCore.Authorization.IAllowAnonymous";
        private const string AuthorizeDataInterface = "Microsoft.AspNetCore.Authorization.IAuthorizeData";

        private static bool HasInterface(ITypeSymbol type, string fullName) => type.AllInterfaces.Any(i => HasFullName(i, fullName));

        public const string RequireKeyMethod = "RequireKey";
        public const string RequireAuthorizationMethod = "RequireAuthorization";
        public const string AllowAnonymousMethod = "AllowAnonymous";
        public const string MapGroupMethod = "MapGroup";
        public const string MapControllersMethod = "MapControllers";

        /// <summary>Endpoint-producing extension methods and the HTTP methods they imply (null: given by an argument or any).</summary>
        public static readonly ImmutableDictionary<string, string?> MapMethods = ImmutableDictionary.CreateRange(
            StringComparer.Ordinal,
            new[]
            {
                Pair("MapGet", "GET"),
                Pair("MapPost", "POST"),
                Pair("MapPut", "PUT"),
                Pair("MapPatch", "PATCH"),
                Pair("MapDelete", "DELETE"),
                Pair("MapMethods", null),
                Pair("Map", null),
                Pair("MapFallback", null),
            });

        private static System.Collections.Generic.KeyValuePair<string, string?> Pair(string name, string? method)
            => new System.Collections.Generic.KeyValuePair<string, string?>(name, method);

        /// <summary>
        /// True when <paramref name="method"/> is one of ASP.NET Core's endpoint-producing <c>Map*</c>
        /// extensions (declared in <c>Microsoft.AspNetCore.Builder</c>), not a user method that happens to share the name.
        /// </summary>
        public static bool IsMapEndpointMethod(IMethodSymbol method)
        {
            var original = method.ReducedFrom ?? method;
            return MapMethods.ContainsKey(original.Name)
                && original.IsExtensionMethod
                && original.ContainingType is { Name: "EndpointRouteBuilderExtensions" or "FallbackEndpointRouteBuilderExtensions" }
                && HasFullName(original.ContainingNamespace, "Microsoft.AspNetCore.Builder");
        }

        /// <summary>ASP.NET Core's other endpoint-producing extensions (method → declaring type), beyond EndpointRules.MapMethods.</summary>
        internal static readonly ImmutableDictionary<string, string> OtherEndpointMethods = ImmutableDictionary.CreateRange(
            StringComparer.Ordinal,
            new[]
            {
                new KeyValuePair<string, string>("MapFallbackToFile", "StaticFilesEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapFallbackToPage", "RazorPagesEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapFallbackToAreaPage", "RazorPagesEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapFallbackToController", "ControllerEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapFallbackToAreaController", "ControllerEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapHealthChecks", "HealthCheckEndpointRouteBuilderExtensions"),
                new KeyValuePair<string, string>("MapHub", "HubEndpointRouteBuilderExtensions"),
            });

        /// <summary>One of <see cref="OtherEndpointMethods"/>: the framework's method, not a user method sharing its name.</summary>
        public static bool IsOtherEndpointMethod(IMethodSymbol method)
        {
            var original = method.ReducedFrom ?? method;
            return OtherEndpointMethods.TryGetValue(original.Name, out var typeName)
                && original.IsExtensionMethod
                && original.ContainingType?.Name == typeName
                && original.ContainingNamespace?.ToDisplayString() is { } ns
                && ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal);
        }

        /// <summary>
        /// A library's endpoint producer: a <c>Map*</c> extension on a route builder, compiled elsewhere, returning a
        /// convention builder (MapIdentityApi, MapStaticAssets, MapRazorComponents, MapForwarder, MapOpenApi...).
        /// Route groups and MVC's controller routes are not endpoints of their own (actions are checked where declared).
        /// </summary>
        public static bool IsLibraryProducer(IMethodSymbol method)
        {
            var original = (method.ReducedFrom ?? method).OriginalDefinition;
            if (!original.IsExtensionMethod || !original.Name.StartsWith("Map", StringComparison.Ordinal) || !original.DeclaringSyntaxReferences.IsEmpty
                || original.Parameters.Length == 0)
                return false;
            var ns = original.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            var type = original.ContainingType?.Name;
            if (ns.StartsWith("Declarative.Auth", StringComparison.Ordinal) || original.Name == EndpointRules.MapGroupMethod
                || EndpointRules.MapMethods.ContainsKey(original.Name)
                || type is "ControllerEndpointRouteBuilderExtensions" or "RazorPagesEndpointRouteBuilderExtensions"
                    or "EndpointRouteBuilderExtensions" or "FallbackEndpointRouteBuilderExtensions")
                return false;
            return Implements(original.Parameters[0].Type, "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder")
                   && Implements(original.ReturnType, "Microsoft.AspNetCore.Builder.IEndpointConventionBuilder");
        }

        public static bool Implements(ITypeSymbol type, string name)
            => HasFullName(type.OriginalDefinition, name) || HasInterface(type, name);

        /// <summary>Classifies one attribute: ours, or ASP.NET Core's by interface (so subclasses count too).</summary>
        public static DeclarationKind Classify(AttributeData attribute)
        {
            var type = attribute.AttributeClass;
            if (type is null)
                return DeclarationKind.None;
            if (HasFullName(type, RequiresKeyAttribute) || OtherKeyDeclarations.Any(name => HasFullName(type, name)))
                return DeclarationKind.RequiresKey;
            return HasInterface(type, AllowAnonymousInterface) ? DeclarationKind.AllowAnonymous
                : HasInterface(type, AuthorizeDataInterface) ? DeclarationKind.Authorize
                : DeclarationKind.None;
        }

        /// <summary>
        /// The declaration made directly on <paramref name="symbol"/> (a method, or a class including its base
        /// classes). <see cref="DeclarationKind.RequiresKey"/> wins over the others at one level because it is the
        /// fail-closed reading; a contradiction at one level is reported separately.
        /// </summary>
        public static DeclarationKind DeclarationOf(ISymbol symbol)
        {
            var result = DeclarationKind.None;
            for (var current = symbol; current is not null; current = Inherited(current))
            {
                foreach (var attribute in current.GetAttributes())
                    result = Strongest(result, Classify(attribute));
                if (result != DeclarationKind.None)
                    break;
            }
            return result;
        }

        // Where MVC inherits attributes from: a class's base class, an overriding method's overridden method.
        private static ISymbol? Inherited(ISymbol symbol) => symbol switch
        {
            INamedTypeSymbol type => type.BaseType,
            IMethodSymbol method => method.OverriddenMethod,
            _ => null,
        };

        // At one level: RequiresKey (fail closed), then AllowAnonymous (ASP.NET Core lets it beat [Authorize]
        // whatever the order), then Authorize.
        private static DeclarationKind Strongest(DeclarationKind a, DeclarationKind b)
            => Rank(a) >= Rank(b) ? a : b;

        private static int Rank(DeclarationKind kind) => kind switch
        {
            DeclarationKind.RequiresKey => 3,
            DeclarationKind.AllowAnonymous => 2,
            DeclarationKind.Authorize => 1,
            _ => 0,
        };

        /// <summary>The declaration item a metadata type stands for (ours by name, ASP.NET Core's by interface), or null.</summary>
        public static DeclarationItemKind? KindOf(ITypeSymbol? type)
        {
            if (type is null)
                return null;
            if (type.ContainingType is null && HasFullName(type.ContainingNamespace, "Declarative.Auth"))
            {
                switch (type.Name)
                {
                    case "RequiresKeyAttribute": return DeclarationItemKind.Key;
                    case "RequiresAnyKeyAttribute": return DeclarationItemKind.AnyKey;
                    case "RequiresOrganizationsKeyAttribute": return DeclarationItemKind.OrganizationsKey;
                    case "EventIngestionAttribute": return DeclarationItemKind.EventIngestion;
                    case "RequiresWorkspaceAttribute": return DeclarationItemKind.Workspace;
                    case "OrAuthorizationAttribute": return DeclarationItemKind.OrAuthorization;
                }
            }
            return HasInterface(type, AllowAnonymousInterface) ? DeclarationItemKind.AllowAnonymous
                : HasInterface(type, AuthorizeDataInterface) ? DeclarationItemKind.Authorize
                : null;
        }

        private static string? NamedString(AttributeData attribute, string name)
            => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

        /// <summary>The declaration items of attributes, in order (the shared rule's input).</summary>
        public static System.Collections.Generic.IEnumerable<DeclarationItem> ItemsOf(System.Collections.Generic.IEnumerable<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                if (KindOf(attribute.AttributeClass) is { } kind)
                    yield return new DeclarationItem(kind, kind == DeclarationItemKind.Key ? PermissionOf(attribute)
                        : kind == DeclarationItemKind.OrAuthorization ? NamedString(attribute, "Policy") : null);
            }
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
            return Rules.PermissionText.Format(System.Convert.ToInt32(type.Value, System.Globalization.CultureInfo.InvariantCulture), scope);
        }

        /// <summary>MVC's own rule for a controller type (ControllerFeatureProvider.IsController).</summary>
        public static bool IsController(INamedTypeSymbol type)
        {
            // MVC only considers top-level public types.
            if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.DeclaredAccessibility != Accessibility.Public
                || type.IsGenericType || type.IsStatic || type.ContainingType is not null)
                return false;
            if (HasAttribute(type, "Microsoft.AspNetCore.Mvc.NonControllerAttribute", inherit: true))
                return false;
            if (type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase))
                return true;
            return HasAttribute(type, "Microsoft.AspNetCore.Mvc.ControllerAttribute", inherit: true);
        }

        /// <summary>object, ControllerBase, Controller: where MVC stops looking for actions.</summary>
        public static bool IsFrameworkBase(INamedTypeSymbol type)
            => type.SpecialType == SpecialType.System_Object || HasFullName(type, "Microsoft.AspNetCore.Mvc.ControllerBase")
               || HasFullName(type, "Microsoft.AspNetCore.Mvc.Controller");

        /// <summary>MVC's rule for an action (DefaultApplicationModelProvider.IsAction), over a method of a controller.</summary>
        public static bool IsAction(IMethodSymbol method)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.IsAbstract || method.IsGenericMethod
                || method.DeclaredAccessibility != Accessibility.Public)
                return false;
            var root = method;
            for (var m = method; m is not null; m = m.OverriddenMethod)
            {
                // [NonAction] is inherited by overrides, as MVC reads it with inherit: true.
                if (HasAttribute(m, "Microsoft.AspNetCore.Mvc.NonActionAttribute", inherit: false))
                    return false;
                root = m;
            }
            // Methods first declared on object, ControllerBase or Controller (ToString, Equals overrides…) are not actions; neither is Dispose.
            if (root.ContainingType is null || IsFrameworkBase(root.ContainingType))
                return false;
            if (method.Name == "Dispose" && method.Parameters.Length == 0)
                return false;
            return true;
        }

        /// <summary>
        /// MVC's action name (the <c>[action]</c> token and conventional routes): <c>[ActionName]</c>, else the method name
        /// without an <c>Async</c> suffix (MvcOptions.SuppressAsyncSuffixInActionNames, on by default).
        /// </summary>
        public static string ActionName(IMethodSymbol action)
        {
            foreach (var attribute in action.GetAttributes())
            {
                if (HasFullName(attribute.AttributeClass, "Microsoft.AspNetCore.Mvc.ActionNameAttribute")
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
                    return name;
            }
            return action.Name.EndsWith("Async", StringComparison.Ordinal) && action.Name.Length > "Async".Length
                ? action.Name.Substring(0, action.Name.Length - "Async".Length)
                : action.Name;
        }

        public static bool HasAttribute(ISymbol symbol, string metadataName, bool inherit)
        {
            for (var current = symbol; current is not null; current = inherit ? (current as INamedTypeSymbol)?.BaseType : null)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    for (var t = attribute.AttributeClass; t is not null; t = t.BaseType)
                    {
                        if (HasFullName(t, metadataName))
                            return true;
                    }
                }
            }
            return false;
        }
    }
}
