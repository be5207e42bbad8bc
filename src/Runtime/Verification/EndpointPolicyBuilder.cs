using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;

namespace Declarative.Auth;

/// <summary>
/// Reads an endpoint's metadata into a policy. Attributes on the handler or action method replace everything
/// outer (class, route groups, fluent calls). Outer <c>RequireKey</c>s add up, back to the nearest
/// <c>AllowAnonymous</c>. On the method itself <see cref="RequiresKeyAttribute"/> beats <c>[AllowAnonymous]</c>
/// (fail closed; DAUTH003 reports the contradiction), and <c>[Authorize]</c> never removes a key requirement.
/// </summary>
internal static class EndpointPolicyBuilder
{
    public static EndpointPolicy Build(Endpoint endpoint, PermissionCatalog catalog)
    {
        var policy = Declared(endpoint, catalog);
        return policy.Access == EndpointAccess.Undeclared && endpoint.Metadata.GetMetadata<IEventIngestionMetadata>() is not null
            ? KeyPolicy(endpoint, [], catalog) // [EventIngestion] alone: event write keys only
            : policy;
    }

    private static EndpointPolicy Declared(Endpoint endpoint, PermissionCatalog catalog)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IRequiresOrganizationsKeyMetadata>() is not null)
            return EndpointPolicy.Organizations;
        var method = metadata.GetMetadata<ControllerActionDescriptor>()?.MethodInfo ?? metadata.GetMetadata<MethodInfo>();

        if (method is not null)
        {
            var own = method.GetCustomAttributes(inherit: true);
            var ownKeys = own.OfType<IRequiresKeyMetadata>().ToArray();
            if (ownKeys.Length > 0)
                return KeyPolicy(endpoint, ownKeys, catalog);
            if (own.OfType<IAllowAnonymous>().Any())
                return EndpointPolicy.Public;
        }

        // Metadata runs from farthest (outer group, class) to nearest (inner group, endpoint conventions).
        // Walk back from the nearest: RequireKeys add up until an AllowAnonymous, which ends the walk —
        // it makes the endpoint public only when no nearer RequireKey exists.
        var keys = new List<IRequiresKeyMetadata>();
        var authorize = false;
        for (var i = metadata.Count - 1; i >= 0; i--)
        {
            switch (metadata[i])
            {
                case IRequiresKeyMetadata key:
                    keys.Add(key);
                    break;
                case IAllowAnonymous when keys.Count == 0:
                    return EndpointPolicy.Public;
                case IAllowAnonymous:
                    i = -1;
                    break;
                case IAuthorizeData:
                    authorize = true;
                    break;
            }
        }
        if (keys.Count > 0)
            return KeyPolicy(endpoint, keys, catalog);
        if (authorize)
            return EndpointPolicy.Delegated;
        return EndpointPolicy.Undeclared;
    }

    public static IEnumerable<string> PermissionsOf(Endpoint endpoint)
        => endpoint.Metadata.GetOrderedMetadata<IRequiresKeyMetadata>().Select(m => m.Permission).Where(p => p.Length > 0);

    private static EndpointPolicy KeyPolicy(Endpoint endpoint, IEnumerable<IRequiresKeyMetadata> declarations, PermissionCatalog catalog)
    {
        var permissions = declarations.Select(d => d.Permission).Where(p => p.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var compiled = catalog.TryCompileRequirement(permissions, out var required);
        var metadata = endpoint.Metadata;
        var limit = metadata.GetMetadata<KeyRateLimitAttribute>()?.RequestsPerMinute;
        var alternative = metadata.GetMetadata<IOrAuthorizationMetadata>();
        return new EndpointPolicy(
            permissions,
            required,
            compiled,
            workspace: metadata.GetMetadata<IRequiresWorkspaceMetadata>() is not null,
            ingestion: metadata.GetMetadata<IEventIngestionMetadata>() is not null,
            rateLimit: limit,
            partitionSuffix: limit is null ? "" : "|" + (endpoint.DisplayName ?? endpoint.GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            orAuthorization: alternative is not null,
            authorizationPolicy: alternative?.Policy);
    }
}
