using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Declarative.Auth;

/// <summary>
/// The ingestion CORS policy allows, on each endpoint, exactly the methods that endpoint maps (its
/// <see cref="IHttpMethodMetadata"/>): a preflight never advertises a method the route would refuse.
/// Other policies come from the app's provider unchanged.
/// </summary>
internal sealed class EventIngestionCorsPolicyProvider(ICorsPolicyProvider inner) : ICorsPolicyProvider
{
    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var policy = await inner.GetPolicyAsync(context, policyName).ConfigureAwait(false);
        if (policy is null || !string.Equals(policyName, EventIngestionAttribute.CorsPolicyName, StringComparison.Ordinal)
            || context.GetEndpoint()?.Metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } methods)
            return policy;
        var own = new CorsPolicyBuilder(policy).Build();
        own.Methods.Clear();
        foreach (var method in methods.HttpMethods)
            own.Methods.Add(method);
        return own;
    }
}
