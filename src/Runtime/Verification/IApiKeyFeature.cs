using System.Security.Claims;

namespace Declarative.Auth;

/// <summary>The verified key of the current request, from <c>HttpContext.Features.Get&lt;IApiKeyFeature&gt;()</c>.</summary>
public interface IApiKeyFeature
{
    /// <summary>The key (never its secret).</summary>
    ApiKey Key { get; }
}

internal sealed class ApiKeyFeature(ApiKey key) : IApiKeyFeature
{
    public ApiKey Key { get; } = key;
}
