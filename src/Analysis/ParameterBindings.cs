using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analysis
{
    /// <summary>Where a handler or action parameter takes its value from.</summary>
    internal enum BindingSource
    {
        /// <summary>Not decided at build time ([AsParameters], BindAsync, MVC model binding of a complex type...).</summary>
        Unknown = 0,
        Route,
        Query,
        Header,
        Body,
        Form,
        Services,

        /// <summary>HttpContext, HttpRequest, CancellationToken, ClaimsPrincipal...: nothing the caller sends by name.</summary>
        Special,
    }

    /// <summary>One parameter's binding: its source and the name it is read under (the attribute's Name, else its own).</summary>
    internal readonly record struct ParameterBinding(IParameterSymbol Parameter, BindingSource Source, string Name);

    /// <summary>
    /// Handler and action parameter binding as ASP.NET Core infers it: an explicit [FromRoute]/[FromQuery]/[FromHeader]/
    /// [FromBody]/[FromForm]/[FromServices] (by the Http.Metadata interfaces MVC's and minimal APIs' attributes share)
    /// wins; otherwise special types are special, a simple type (TryParse-able) is a route value when the route has
    /// a parameter of its name and a query value otherwise, and a complex type is the body — in minimal APIs
    /// (interfaces are services) and in [ApiController] controllers; other controllers' complex types are left Unknown.
    /// </summary>
    internal static class ParameterBindings
    {
        private static readonly Dictionary<string, BindingSource> s_metadata = new Dictionary<string, BindingSource>(StringComparer.Ordinal)
        {
            ["Microsoft.AspNetCore.Http.Metadata.IFromRouteMetadata"] = BindingSource.Route,
            ["Microsoft.AspNetCore.Http.Metadata.IFromQueryMetadata"] = BindingSource.Query,
            ["Microsoft.AspNetCore.Http.Metadata.IFromHeaderMetadata"] = BindingSource.Header,
            ["Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata"] = BindingSource.Body,
            ["Microsoft.AspNetCore.Http.Metadata.IFromFormMetadata"] = BindingSource.Form,
            ["Microsoft.AspNetCore.Http.Metadata.IFromServiceMetadata"] = BindingSource.Services,
        };

        private static readonly HashSet<string> s_special = new HashSet<string>(StringComparer.Ordinal)
        {
            "Microsoft.AspNetCore.Http.HttpContext",
            "Microsoft.AspNetCore.Http.HttpRequest",
            "Microsoft.AspNetCore.Http.HttpResponse",
            "System.Threading.CancellationToken",
            "System.Security.Claims.ClaimsPrincipal",
            "System.IO.Stream",
            "System.IO.Pipelines.PipeReader",
            "Microsoft.AspNetCore.Http.IFormFile",
            "Microsoft.AspNetCore.Http.IFormFileCollection",
            "Microsoft.AspNetCore.Http.IFormCollection",
        };

        /// <param name="route">The endpoint's route template (its known part), for inferring route values.</param>
        /// <param name="apiController">A controller action under [ApiController]: complex types are the body.</param>
        /// <param name="controller">A controller action (else a minimal-API handler).</param>
        public static ParameterBinding Of(IParameterSymbol parameter, string? route, bool controller, bool apiController)
        {
            foreach (var attribute in parameter.GetAttributes())
            {
                var type = attribute.AttributeClass;
                if (type is null)
                    continue;
                if (type.ToDisplayString() == "Microsoft.AspNetCore.Http.AsParametersAttribute")
                    return new ParameterBinding(parameter, BindingSource.Unknown, parameter.Name);
                foreach (var iface in type.AllInterfaces)
                {
                    if (s_metadata.TryGetValue(iface.ToDisplayString(), out var source))
                        return new ParameterBinding(parameter, source, Operations.NamedArgument(attribute, "Name") is string { Length: > 0 } name ? name : parameter.Name);
                }
            }
            var parameterType = parameter.Type;
            if (s_special.Contains(parameterType.OriginalDefinition.ToDisplayString()))
                return new ParameterBinding(parameter, BindingSource.Special, parameter.Name);
            if (IsSimple(parameterType) || (parameterType is IArrayTypeSymbol array && IsSimple(array.ElementType)))
            {
                var fromRoute = parameterType is not IArrayTypeSymbol && RouteParameters.Has(route, parameter.Name);
                return new ParameterBinding(parameter, fromRoute ? BindingSource.Route : BindingSource.Query, parameter.Name);
            }
            if (controller)
                return new ParameterBinding(parameter, apiController ? BindingSource.Body : BindingSource.Unknown, parameter.Name);
            if (parameterType.TypeKind == TypeKind.Interface || parameterType.IsAbstract || HasStaticMethod(parameterType, "BindAsync"))
                return new ParameterBinding(parameter, parameterType.TypeKind == TypeKind.Interface ? BindingSource.Services : BindingSource.Unknown, parameter.Name);
            return new ParameterBinding(parameter, BindingSource.Body, parameter.Name);
        }

        /// <summary>A type minimal APIs and MVC bind from one string: primitives, string, enums, and types with a static TryParse.</summary>
        public static bool IsSimple(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
                type = nullable.TypeArguments[0];
            // System_Boolean .. System_String: bool, char, the integer types, decimal, float, double and string.
            if (type.TypeKind == TypeKind.Enum || type.SpecialType is (>= SpecialType.System_Boolean and <= SpecialType.System_String) or SpecialType.System_DateTime)
                return true;
            return type.ToDisplayString() == "System.Uri" || HasStaticMethod(type, "TryParse");
        }

        private static bool HasStaticMethod(ITypeSymbol type, string name)
            => type.GetMembers(name).Any(m => m is IMethodSymbol { IsStatic: true });
    }
}
