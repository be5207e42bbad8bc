using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analysis
{
    /// <summary>MVC controllers → endpoint facts, following MVC's own selector and attribute-route rules.</summary>
    internal static class ControllerFacts
    {
        private const string RouteTemplateProvider = "Microsoft.AspNetCore.Mvc.Routing.IRouteTemplateProvider";
        private const string HttpMethodProvider = "Microsoft.AspNetCore.Mvc.Routing.IActionHttpMethodProvider";

        private static readonly Dictionary<string, string> s_httpAttributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Microsoft.AspNetCore.Mvc.HttpGetAttribute"] = "GET",
            ["Microsoft.AspNetCore.Mvc.HttpPostAttribute"] = "POST",
            ["Microsoft.AspNetCore.Mvc.HttpPutAttribute"] = "PUT",
            ["Microsoft.AspNetCore.Mvc.HttpPatchAttribute"] = "PATCH",
            ["Microsoft.AspNetCore.Mvc.HttpDeleteAttribute"] = "DELETE",
            ["Microsoft.AspNetCore.Mvc.HttpHeadAttribute"] = "HEAD",
            ["Microsoft.AspNetCore.Mvc.HttpOptionsAttribute"] = "OPTIONS",
        };

        /// <summary>The endpoints of a controller's actions (one per selector and class route), each with its action.</summary>
        public static List<(IMethodSymbol Action, EndpointModel Endpoint)> Endpoints(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var controllerName = type.Name.EndsWith("Controller", StringComparison.Ordinal)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;
            var area = AttributeString(type, "Microsoft.AspNetCore.Mvc.AreaAttribute", inherit: true);
            var classLevel = Declarations.OfClass(type).ToModel(isMethod: false, DeclarationLevel.Controller);
            var classTemplates = ClassTemplates(type);

            var endpoints = new List<(IMethodSymbol, EndpointModel)>();
            foreach (var action in Actions(type, cancellationToken))
            {
                // Class attributes, then the action's (MVC's endpoint metadata order); MapControllers() conventions join later.
                var levels = new[] { classLevel, Declarations.OfMethod(action).ToModel(isMethod: true, DeclarationLevel.Action) }.ToEquatableArray();
                var tokens = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    ["controller"] = controllerName,
                    ["action"] = EndpointRules.ActionName(action),
                };
                if (area is not null)
                    tokens["area"] = area;

                var (filePath, line) = Position(action, cancellationToken);
                foreach (var selector in Selectors(InheritedAttributes(action)))
                {
                    foreach (var classTemplate in classTemplates)
                    {
                        // Known templates that combine to none: conventional routing decides the route at run time.
                        var known = classTemplate.Known && selector.Template.Known;
                        var combined = known ? Routes.CombineAttributeRoutes(classTemplate.Value, selector.Template.Value) : null;
                        var route = combined is not null && Routes.ReplaceTokens(combined, tokens) is { } replaced ? Routes.Rooted(replaced) : null;
                        var kind = !known ? RouteKind.NotConstant : combined is null ? RouteKind.Conventional
                            : route is null ? RouteKind.NotConstant : RouteKind.Constant;
                        endpoints.Add((action, new EndpointModel(
                            selector.Methods,
                            route,
                            route,
                            kind,
                            levels,
                            type.Name + "." + action.Name,
                            filePath,
                            line)));
                    }
                }
            }
            return endpoints;
        }

        /// <summary>The HTTP methods an action's attributes name (its own and inherited ones), joined with ','; null when none.</summary>
        public static string? HttpMethods(IMethodSymbol action)
        {
            var methods = Selectors(InheritedAttributes(action)).SelectMany(s => s.Methods).Distinct().OrderBy(m => m, StringComparer.Ordinal).ToList();
            return methods.Count == 0 ? null : string.Join(",", methods);
        }

        /// <summary>
        /// Public methods of the controller and its bases (user bases, generic or abstract) that MVC treats as
        /// actions; an override or a hiding method stands for the base method it replaces.
        /// </summary>
        private static IEnumerable<IMethodSymbol> Actions(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null; current = current.BaseType)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (EndpointRules.IsFrameworkBase(current))
                    yield break;
                foreach (var member in current.GetMembers().OfType<IMethodSymbol>().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    if (member.MethodKind != MethodKind.Ordinary || member.IsStatic)
                        continue;
                    var signature = member.Name + "(" + string.Join(",", member.Parameters.Select(p => p.Type.ToDisplayString())) + ")";
                    if (!seen.Add(signature))
                        continue;
                    if (EndpointRules.IsAction(member))
                        yield return member;
                }
            }
        }

        private static (string FilePath, int Line) Position(IMethodSymbol method, CancellationToken cancellationToken)
            => Handler.DeclaredName(method, cancellationToken) is { SourceTree: { } tree } name
                ? (tree.FilePath, name.GetLineSpan().StartLinePosition.Line + 1)
                : (string.Empty, 0);

        internal readonly record struct Template(string? Value, bool Known);

        internal sealed record Selector(Template Template, EquatableArray<string> Methods);

        /// <summary>
        /// An action's attributes as MVC reads them (GetCustomAttributes(inherit: true)): its own, plus inheritable
        /// ones from the methods it overrides (a single-use attribute only when the override does not repeat it).
        /// Used for routes and HTTP methods; declarations follow <see cref="EndpointRules.DeclarationOf"/>.
        /// </summary>
        private static IReadOnlyList<AttributeData> InheritedAttributes(IMethodSymbol method)
        {
            var result = new List<AttributeData>(method.GetAttributes());
            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                foreach (var attribute in overridden.GetAttributes())
                {
                    var (inherited, allowMultiple) = Usage(attribute.AttributeClass);
                    if (!inherited)
                        continue;
                    if (!allowMultiple && result.Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute.AttributeClass)))
                        continue;
                    result.Add(attribute);
                }
            }
            return result;
        }

        private static (bool Inherited, bool AllowMultiple) Usage(INamedTypeSymbol? attributeClass)
        {
            for (var type = attributeClass; type is not null; type = type.BaseType)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() == "System.AttributeUsageAttribute")
                        return (Operations.NamedArgument(attribute, "Inherited") as bool? ?? true, Operations.NamedArgument(attribute, "AllowMultiple") as bool? ?? false);
                }
            }
            return (true, false);
        }

        /// <summary>
        /// The controller's route templates; [null] when none. MVC (DefaultApplicationModelProvider.CreateControllerModel)
        /// walks from the class to its bases and takes the route attributes of the FIRST type declaring any, so a
        /// derived class's own [Route] replaces its base's instead of adding to it.
        /// </summary>
        private static List<Template> ClassTemplates(INamedTypeSymbol type)
        {
            var templates = new List<Template>();
            for (var current = type; current is not null; current = current.BaseType)
            {
                var declared = false;
                foreach (var attribute in current.GetAttributes())
                {
                    if (!Implements(attribute.AttributeClass, RouteTemplateProvider))
                        continue;
                    declared = true;
                    if (!IsSilent(attribute))
                        templates.Add(TemplateOf(attribute));
                }
                if (declared)
                    break;
            }
            if (templates.Count == 0)
                templates.Add(new Template(null, Known: true));
            return templates;
        }

        /// <summary>MVC's DefaultApplicationModelProvider.CreateSelectors over an action's attributes.</summary>
        private static List<Selector> Selectors(IReadOnlyList<AttributeData> attributes)
        {
            var routeProviders = new List<AttributeData>();
            var silent = false;
            foreach (var attribute in attributes)
            {
                if (!Implements(attribute.AttributeClass, RouteTemplateProvider))
                    continue;
                if (IsSilent(attribute))
                    silent = true;
                else
                    routeProviders.Add(attribute);
            }
            if (routeProviders.Any(p => !Implements(p.AttributeClass, HttpMethodProvider)))
                silent = false;

            var selectors = new List<Selector>();
            foreach (var provider in routeProviders)
            {
                // The provider itself and the attributes no other route provider claims; an HTTP-method provider (HttpGet("x"))
                // brings its own methods, so other method attributes do not join its selector.
                var providerIsMethod = Implements(provider.AttributeClass, HttpMethodProvider);
                var filtered = attributes.Where(a => ReferenceEquals(a, provider)
                    || (!routeProviders.Contains(a) && !(providerIsMethod && Implements(a.AttributeClass, HttpMethodProvider))));
                selectors.Add(new Selector(TemplateOf(provider), Methods(filtered)));
            }
            // No route provider, or a silent one ([HttpGet] without a template): one selector without a template.
            if (silent || routeProviders.Count == 0)
                selectors.Add(new Selector(new Template(null, Known: true), Methods(attributes.Where(a => !routeProviders.Contains(a)))));
            return selectors;
        }

        private static EquatableArray<string> Methods(IEnumerable<AttributeData> attributes)
        {
            var methods = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var attribute in attributes)
            {
                if (!Implements(attribute.AttributeClass, HttpMethodProvider))
                    continue;
                for (var type = attribute.AttributeClass; type is not null; type = type.BaseType)
                {
                    var name = type.ToDisplayString();
                    if (s_httpAttributes.TryGetValue(name, out var method))
                    {
                        methods.Add(method);
                        break;
                    }
                    if (name == "Microsoft.AspNetCore.Mvc.AcceptVerbsAttribute")
                    {
                        // AcceptVerbs(string method) or AcceptVerbs(params string[] methods).
                        foreach (var argument in attribute.ConstructorArguments)
                        {
                            foreach (var value in argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArray.Create(argument))
                            {
                                if (value.Value is string verb)
                                    methods.Add(verb.ToUpperInvariant());
                            }
                        }
                        break;
                    }
                }
            }
            return methods.ToEquatableArray();
        }

        private static bool IsSilent(AttributeData attribute)
            => TemplateOf(attribute) is { Known: true, Value: null }
               && !attribute.NamedArguments.Any(n => n.Key is "Name" or "Order" && n.Value.Value is not null);

        /// <summary>The template given to the attribute's constructor parameter named <c>template</c>.</summary>
        private static Template TemplateOf(AttributeData attribute)
        {
            // [AcceptVerbs("GET", Route = "...")] names its template with a property.
            if (Operations.NamedArgument(attribute, "Route") is string route)
                return new Template(route, Known: true);
            var constructor = attribute.AttributeConstructor;
            if (constructor is null)
                return new Template(null, Known: false);
            for (var i = 0; i < constructor.Parameters.Length && i < attribute.ConstructorArguments.Length; i++)
            {
                if (constructor.Parameters[i].Name == "template")
                    return new Template(attribute.ConstructorArguments[i].Value as string, Known: true);
            }
            // [HttpGet] and friends without a template; a custom provider computing its template is unknown.
            var known = constructor.Parameters.Length == 0
                || EndpointRules.HasFullName(attribute.AttributeClass, "Microsoft.AspNetCore.Mvc.AcceptVerbsAttribute");
            return new Template(null, known);
        }

        private static bool Implements(INamedTypeSymbol? type, string interfaceName)
            => type is not null && type.AllInterfaces.Any(i => EndpointRules.HasFullName(i, interfaceName));

        private static string? AttributeString(ISymbol symbol, string attributeName, bool inherit)
        {
            for (var current = symbol; current is not null; current = inherit ? (current as INamedTypeSymbol)?.BaseType : null)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    if (EndpointRules.HasFullName(attribute.AttributeClass, attributeName)
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is string value)
                        return value;
                }
            }
            return null;
        }
    }
}
