using System.Reflection;
using Declarative.Auth.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;

namespace Declarative.Auth;

/// <summary>
/// Reads an endpoint's metadata into declaration items (the handler's or action's own attributes as the method
/// level) and compiles the result of the shared precedence rule (<see cref="DeclarationPrecedence"/>, the same
/// code the generator's table, the analyzers and the OpenAPI transformer use) into a policy.
/// </summary>
internal static class EndpointPolicyBuilder
{
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="catalog">The permission catalog the requirement compiles over.</param>
    /// <param name="limits">The app's rate limits, which an endpoint's own limits must not rename; null: not checked.</param>
    /// <exception cref="InvalidOperationException">An endpoint's own rate limit is declared wrong (named in the message).</exception>
    public static EndpointPolicy Build(Endpoint endpoint, PermissionCatalog catalog, KeyRateLimitOptions? limits = null)
    {
        var resolved = Resolve(endpoint.Metadata);
        if (resolved.Access != ResolvedAccess.Key)
            _ = EndpointRateLimit.Compile(endpoint, limits, takesKeys: false); // a limit that would never count is an error
        return resolved.Access switch
        {
            ResolvedAccess.OrganizationsKey => EndpointPolicy.Organizations,
            ResolvedAccess.Public => EndpointPolicy.Public,
            ResolvedAccess.Authorize => EndpointPolicy.Delegated,
            ResolvedAccess.Key => KeyPolicy(endpoint, resolved, catalog, limits),
            _ => EndpointPolicy.Undeclared,
        };
    }

    /// <summary>
    /// The shared rule over one endpoint's metadata, outer to inner, with the method's own attributes flagged.
    /// A controller action's metadata is split: what MapControllers() and its route groups add (conventions, appended
    /// last by MVC but logically OUTSIDE the class) comes first, then the controller's and the action's attributes
    /// (<see cref="Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor.EndpointMetadata"/>), then the action method —
    /// so a class's [AllowAnonymous] wins over a convention's key requirement, as ASP.NET Core's authorization does.
    /// </summary>
    public static ResolvedDeclaration Resolve(IReadOnlyList<object> metadata)
    {
        MethodInfo? method = null;
        ControllerActionDescriptor? controllerAction = null;
        foreach (var item in metadata)
        {
            if (item is ControllerActionDescriptor action)
            {
                controllerAction = action;
                method = action.MethodInfo;
                break;
            }
            method ??= item as MethodInfo;
        }
        var levels = new List<DeclarationLevelItems>(3);
        if (controllerAction is not null)
        {
            var attributes = new HashSet<object>(controllerAction.EndpointMetadata ?? [], ReferenceEqualityComparer.Instance);
            levels.Add(new(Items(metadata.Where(m => !attributes.Contains(m))), isMethod: false));
            levels.Add(new(Items(metadata.Where(attributes.Contains)), isMethod: false));
        }
        else
        {
            levels.Add(new(Items(metadata), isMethod: false));
        }
        if (method is not null)
            levels.Add(new(Items(method.GetCustomAttributes(inherit: true)), isMethod: true));
        return DeclarationPrecedence.Resolve(levels);
    }

    private static List<DeclarationItem> Items(IEnumerable<object> metadata)
    {
        var items = new List<DeclarationItem>();
        foreach (var item in metadata)
        {
            if (item is IRequiresOrganizationsKeyMetadata)
                items.Add(new(DeclarationItemKind.OrganizationsKey));
            if (item is IRequiresKeyMetadata key)
                items.Add(key.Permission.Length == 0 ? new(DeclarationItemKind.AnyKey) : new(DeclarationItemKind.Key, key.Permission));
            if (item is WhereUndeclaredMetadata fallback)
                items.Add(fallback.Item);
            if (item is IEventIngestionMetadata)
                items.Add(new(DeclarationItemKind.EventIngestion));
            if (item is IRequiresWorkspaceMetadata)
                items.Add(new(DeclarationItemKind.Workspace));
            if (item is IOrAuthorizationMetadata alternative)
                items.Add(new(DeclarationItemKind.OrAuthorization, alternative.Policy));
            if (item is IAllowAnonymous)
                items.Add(new(DeclarationItemKind.AllowAnonymous));
            else if (item is IAuthorizeData)
                items.Add(new(DeclarationItemKind.Authorize));
        }
        return items;
    }

    public static IEnumerable<string> PermissionsOf(Endpoint endpoint)
        => endpoint.Metadata.GetOrderedMetadata<IRequiresKeyMetadata>().Select(m => m.Permission)
            .Concat(endpoint.Metadata.GetOrderedMetadata<WhereUndeclaredMetadata>().Select(m => m.Item.Value ?? ""))
            .Where(p => p.Length > 0);

    private static EndpointPolicy KeyPolicy(Endpoint endpoint, ResolvedDeclaration resolved, PermissionCatalog catalog, KeyRateLimitOptions? limits)
    {
        var permissions = resolved.Permissions;
        var compiled = catalog.TryCompileRequirement(permissions, out var required);
        var metadata = endpoint.Metadata;
        var limit = metadata.GetMetadata<KeyRateLimitAttribute>()?.RequestsPerMinute;
        return new EndpointPolicy(
            permissions,
            required,
            compiled,
            workspace: resolved.Workspace,
            ingestion: resolved.EventIngestion,
            rateLimit: limit,
            partitionSuffix: limit is null ? "" : "|" + (endpoint.DisplayName ?? endpoint.GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            orAuthorization: resolved.OrAuthorization,
            authorizationPolicy: resolved.AuthorizationPolicy)
        {
            RateLimitCost = metadata.GetMetadata<KeyRateLimitCostAttribute>()?.Cost ?? 1,
            RateLimitWindows = EndpointRateLimit.Compile(endpoint, limits, takesKeys: true),
        };
    }
}
