using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 for controllers. A controller (MVC's rule) is declared as a whole by an auth attribute on it
    /// or on any base class; otherwise each action (MVC's rule, inherited actions included) must carry one
    /// itself (or on the base method it overrides). An undeclared action declared in the controller is
    /// reported on its name; one inherited from a base class is reported on the derived controller's name,
    /// once per action, because the base class alone is not an endpoint and another controller deriving
    /// from it may well be declared. A declaration on <c>app.MapControllers()</c> covers every controller.
    /// </summary>
    internal sealed class ControllerEndpoints
    {
        private readonly KnownTypes _types;
        private readonly INamedTypeSymbol? _controller;
        private readonly Lazy<bool> _mapControllersDeclared;
        private readonly Lazy<bool> _conventionalRoutesDeclared;

        public ControllerEndpoints(KnownTypes types, Compilation compilation, CancellationToken ct)
        {
            _types = types;
            _mapControllersDeclared = new Lazy<bool>(() => MapControllersConventions.AnyDeclared(compilation, ct), LazyThreadSafetyMode.ExecutionAndPublication);
            _conventionalRoutesDeclared = new Lazy<bool>(() => MapControllersConventions.AllConventionalRoutesDeclared(compilation, ct), LazyThreadSafetyMode.ExecutionAndPublication);
            _controller = types.ControllerBase?.ContainingAssembly.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.Controller");
        }

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            // MVC only discovers top-level public types (Type.IsPublic is false for nested types).
            if (type.ContainingType is not null || !EndpointRules.IsController(type))
                return;
            if (EndpointRules.DeclarationOf(type) != DeclarationKind.None)
                return;
            // app.MapControllers().RequireAuthorization() / .RequireKey(...) covers every controller.
            if (_mapControllersDeclared.Value)
                return;
            var typeLocation = type.Locations.FirstOrDefault(l => l.IsInSource);
            if (typeLocation is null)
                return;

            var classTemplate = ClassRouteTemplate(type);
            var controllerName = type.Name.EndsWith("Controller", StringComparison.OrdinalIgnoreCase)
                ? type.Name.Substring(0, type.Name.Length - "Controller".Length)
                : type.Name;

            foreach (var action in Actions(type))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (IsDeclared(action))
                    continue;

                var (verbs, actionTemplate) = HttpFacts(action);
                var route = Route(classTemplate, actionTemplate, controllerName, EndpointRules.ActionName(action));
                // No attribute route: reached only through conventional routes, which may all be declared.
                if (route is null && _conventionalRoutesDeclared.Value)
                    continue;
                var httpMethods = verbs ?? EndpointText.AnyMethod;
                var keyType = EndpointText.GuessKeyType(httpMethods);
                var scope = EndpointText.GuessScope(route, controllerName);
                var name = type.Name + "." + action.Name;
                var display = route is null ? httpMethods + " " + name : httpMethods + " " + route + " (" + name + ")";

                var own = SymbolEqualityComparer.Default.Equals(action.ContainingType.OriginalDefinition, type.OriginalDefinition);
                var actionLocation = action.OriginalDefinition.Locations.FirstOrDefault(l => l.IsInSource);
                var location = own && actionLocation is not null ? actionLocation : typeLocation;

                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[EndpointText.KeyTypeProperty] = keyType;
                properties[EndpointText.ScopeProperty] = scope;
                var additional = new List<Location>();
                if (actionLocation is not null)
                {
                    additional.Add(actionLocation);
                    properties[EndpointText.TargetProperty] = EndpointText.TargetMethod;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.EndpointHasNoAuthDeclaration, location, additional, properties.ToImmutable(),
                    display, DiagnosticDescriptors.AddAttributeFix(keyType, scope)));
            }
        }

        private bool IsFrameworkBase(INamedTypeSymbol type)
            => type.SpecialType == SpecialType.System_Object
               || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _types.ControllerBase)
               || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _controller);

        /// <summary>The controller's actions, its own and inherited, each once (the most derived override).</summary>
        private IEnumerable<IMethodSymbol> Actions(INamedTypeSymbol type)
        {
            var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var signatures = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && !IsFrameworkBase(current); current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary || method.IsStatic)
                        continue;
                    var seenOverride = overridden.Contains(method);
                    for (var o = method.OverriddenMethod; o is not null; o = o.OverriddenMethod)
                        overridden.Add(o);
                    if (seenOverride || method.DeclaredAccessibility != Accessibility.Public)
                        continue;
                    // A method hidden by a derived 'new' method with the same signature is not an action of this type.
                    var signature = method.Name + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString())) + ")";
                    if (!signatures.Add(signature))
                        continue;
                    if (IsAction(method))
                        yield return method;
                }
            }
        }

        /// <summary>EndpointRules.IsAction, plus what MVC also excludes: overrides of object's methods, and [NonAction] inherited from an overridden method.</summary>
        private static bool IsAction(IMethodSymbol method)
        {
            if (!EndpointRules.IsAction(method))
                return false;
            for (var o = method.OverriddenMethod; o is not null; o = o.OverriddenMethod)
            {
                if (o.ContainingType.SpecialType == SpecialType.System_Object)
                    return false;
                if (EndpointRules.HasAttribute(o, "Microsoft.AspNetCore.Mvc.NonActionAttribute", inherit: false))
                    return false;
            }
            return true;
        }

        /// <summary>An action's own declaration, or one on a base method it overrides (MVC reads inherited method attributes).</summary>
        private static bool IsDeclared(IMethodSymbol action)
        {
            for (var current = action; current is not null; current = current.OverriddenMethod)
            {
                if (EndpointRules.DeclarationOf(current) != DeclarationKind.None)
                    return true;
            }
            return false;
        }

        internal static string? ClassRouteTemplate(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() == "Microsoft.AspNetCore.Mvc.RouteAttribute")
                        return FirstStringArgument(attribute);
                }
            }
            return null;
        }

        /// <summary>HTTP methods and route template from [HttpGet("...")], [AcceptVerbs], [Route] on the action (or what it overrides).</summary>
        internal static (string? Verbs, string? Template) HttpFacts(IMethodSymbol action)
        {
            string? verbs = null;
            string? template = null;
            for (var current = action; current is not null && verbs is null && template is null; current = current.OverriddenMethod)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    var name = attribute.AttributeClass?.ToDisplayString();
                    switch (name)
                    {
                        case "Microsoft.AspNetCore.Mvc.HttpGetAttribute": verbs ??= "GET"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpPostAttribute": verbs ??= "POST"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpPutAttribute": verbs ??= "PUT"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpPatchAttribute": verbs ??= "PATCH"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpDeleteAttribute": verbs ??= "DELETE"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpHeadAttribute": verbs ??= "HEAD"; break;
                        case "Microsoft.AspNetCore.Mvc.HttpOptionsAttribute": verbs ??= "OPTIONS"; break;
                        case "Microsoft.AspNetCore.Mvc.AcceptVerbsAttribute":
                            if (attribute.ConstructorArguments.Length > 0)
                            {
                                var argument = attribute.ConstructorArguments[0];
                                var values = argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArray.Create(argument);
                                var list = values.Select(v => v.Value as string).Where(v => v is not null).Select(v => v!.ToUpperInvariant()).ToArray();
                                if (list.Length > 0)
                                    verbs ??= string.Join(",", list);
                            }
                            foreach (var named in attribute.NamedArguments)
                            {
                                if (named.Key == "Route" && named.Value.Value is string route)
                                    template ??= route;
                            }
                            continue;
                        case "Microsoft.AspNetCore.Mvc.RouteAttribute":
                            break;
                        default:
                            continue;
                    }
                    template ??= FirstStringArgument(attribute);
                }
            }
            return (verbs, template);
        }

        private static string? FirstStringArgument(AttributeData attribute)
            => attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Primitive
                ? attribute.ConstructorArguments[0].Value as string
                : null;

        /// <summary>The attribute route, with [controller] and [action] replaced; null for conventional routing.</summary>
        internal static string? Route(string? classTemplate, string? actionTemplate, string controllerName, string actionName)
        {
            string? route;
            if (actionTemplate is not null && (actionTemplate.StartsWith("/", StringComparison.Ordinal) || actionTemplate.StartsWith("~/", StringComparison.Ordinal)))
                route = actionTemplate.TrimStart('~');
            else if (classTemplate is null)
                route = actionTemplate is null ? null : EndpointText.CombineRoutes(string.Empty, actionTemplate);
            else
                route = EndpointText.CombineRoutes(EndpointText.CombineRoutes(string.Empty, classTemplate), actionTemplate ?? string.Empty);
            if (route is null)
                return null;
            return ReplaceToken(ReplaceToken(route, "[controller]", controllerName), "[action]", actionName);
        }

        private static string ReplaceToken(string text, string token, string value)
        {
            var index = text.IndexOf(token, StringComparison.OrdinalIgnoreCase);
            while (index >= 0)
            {
                text = text.Substring(0, index) + value + text.Substring(index + token.Length);
                index = text.IndexOf(token, index + value.Length, StringComparison.OrdinalIgnoreCase);
            }
            return text;
        }
    }
}
