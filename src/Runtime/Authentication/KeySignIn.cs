using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// Makes a verified key the request's caller: <c>HttpContext.User</c> (built when read), <see cref="IApiKeyFeature"/>,
/// the key's last-used time, and the app's <see cref="IClaimsTransformation"/> when it has one (as ASP.NET Core's
/// authentication service runs it for its schemes).
/// </summary>
internal sealed class KeySignIn(KeyUsageRecorder usage, TimeProvider time, IServiceScopeFactory scopes, KeyUsageCounters? counts = null)
{
    private readonly Lazy<bool> _transforms = new(() =>
    {
        // Registered as anything from a singleton to transient: asked once, in a scope, whether it is the no-op default.
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetService<IClaimsTransformation>() is { } t && t is not NoopClaimsTransformation;
    });

    /// <summary>True when the app registered a claims transformation: <see cref="TransformAsync"/> must run after <see cref="SignIn"/>.</summary>
    public bool Transforms => _transforms.Value;

    public void SignIn(HttpContext context, VerifiedKey key)
    {
        var user = ConnectionSlot.Of(context, create: true)?.User ?? new KeyUserFeature();
        user.SignIn(key);
        context.Features.Set<IHttpAuthenticationFeature>(user);
        context.Features.Set<IApiKeyFeature>(key.Feature);
        usage.Record(key.Key.Id, time.GetUtcNow());
        counts?.Request(key.Key.Id);
    }

    public static async Task TransformAsync(HttpContext context)
    {
        var transformation = context.RequestServices.GetRequiredService<IClaimsTransformation>();
        context.User = await transformation.TransformAsync(context.User).ConfigureAwait(false);
    }

    /// <summary>The key this request is signed in with, by the verifier or the ApiKey scheme, if any.</summary>
    public static VerifiedKey? SignedIn(HttpContext context)
        => context.Features.Get<IHttpAuthenticationFeature>() is KeyUserFeature { Key: { } key } && context.Features.Get<IApiKeyFeature>() == key.Feature ? key : null;
}
