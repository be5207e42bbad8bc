using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// The other half of <see cref="OrAuthorizationAttribute"/>: a request without one of our keys is judged by the app's
/// own authorization, as ASP.NET Core's AuthorizationMiddleware judges an <c>[Authorize]</c> endpoint — the named or
/// default policy from <see cref="IAuthorizationPolicyProvider"/>, <see cref="IPolicyEvaluator"/> to authenticate and
/// authorize, <see cref="IAuthorizationMiddlewareResultHandler"/> to continue, challenge (401) or forbid (403).
/// </summary>
internal sealed class AppAuthorization(IAuthorizationPolicyProvider policies, IAuthenticationSchemeProvider schemes)
{
    public async Task AuthorizeAsync(HttpContext context, EndpointPolicy endpoint, RequestDelegate next)
    {
        var policy = endpoint.AuthorizationPolicy is { } name
            ? await policies.GetPolicyAsync(name).ConfigureAwait(false)
              ?? throw new InvalidOperationException($"The authorization policy '{name}' named by [OrAuthorization] was not found. Add it with AddAuthorizationBuilder().AddPolicy(\"{name}\", ...).")
            : await policies.GetDefaultPolicyAsync().ConfigureAwait(false);

        // Where the app's UseAuthentication() has not run (it is placed after us, or left out), authenticate with its
        // default scheme here, as that middleware would have: a policy without schemes judges context.User.
        if (policy.AuthenticationSchemes.Count == 0 && context.Features.Get<IAuthenticationFeature>() is null
            && context.User.Identity?.IsAuthenticated != true
            && await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is { } scheme
            && scheme.Name != DeclarativeAuthDefaults.AuthenticationScheme)
        {
            var result = await context.AuthenticateAsync(scheme.Name).ConfigureAwait(false);
            if (result.Principal is not null)
                context.User = result.Principal;
        }

        var services = context.RequestServices;
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, context).ConfigureAwait(false);
        await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>()
            .HandleAsync(next, context, policy, authorization).ConfigureAwait(false);
    }
}
