using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Declarative.Auth.Testing;

/// <summary>
/// Keys for a client of an app set up with <see cref="DeclarativeAuthFactoryExtensions.WithDeclarativeAuth{TEntryPoint}"/>:
/// each call mints a new key through the app's own <see cref="ApiKeyService"/> (so it has the app's real format) and
/// sends it as <c>Authorization: Bearer …</c> on every later request of the client.
/// </summary>
public static class HttpClientKeyExtensions
{
    /// <summary>A key holding <paramref name="permissions"/> (e.g. <c>read:monitors</c>, or a generated <c>Permissions.ReadMonitors</c>); none named: <c>admin</c>.</summary>
    public static HttpClient WithKey(this HttpClient client, params string[] permissions)
        => client.WithKey(k => k.Permissions(permissions));

    /// <summary>A key described by <paramref name="configure"/>, e.g. <c>k => k.Permissions("read:tasks").Workspace("ws_1")</c>.</summary>
    public static HttpClient WithKey(this HttpClient client, Action<TestKey> configure)
        => client.Mint(configure, KeyState.Active);

    /// <summary>Sends no key (removes one set before).</summary>
    public static HttpClient WithoutKey(this HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>A key that was revoked: refused with 401 <c>KEY_REVOKED</c>.</summary>
    public static HttpClient WithRevokedKey(this HttpClient client, params string[] permissions)
        => client.Mint(k => k.Permissions(permissions), KeyState.Revoked);

    /// <summary>A key whose expiry is the app clock's current instant: refused with 401 <c>KEY_EXPIRED</c>.</summary>
    public static HttpClient WithExpiredKey(this HttpClient client, params string[] permissions)
        => client.Mint(k => k.Permissions(permissions), KeyState.Expired);

    private static HttpClient Mint(this HttpClient client, Action<TestKey> configure, KeyState state)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configure);
        var key = new TestKey();
        configure(key);
        var request = key.ToRequest(state);
        // The test server runs the request on the thread pool: blocking here cannot deadlock a test's context.
        var secret = Task.Run(() => RequestSecretAsync(client, request)).GetAwaiter().GetResult();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<string> RequestSecretAsync(HttpClient client, MintRequest request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress ?? new Uri("http://localhost"), KeyMintingStartupFilter.Path))
        {
            Content = JsonContent.Create(request, options: KeyMintingStartupFilter.Json),
        };
        using var response = await client.SendAsync(message).ConfigureAwait(false);
        var body = response.Content.Headers.ContentType?.MediaType == "application/json"
            ? await response.Content.ReadFromJsonAsync<MintResponse>(KeyMintingStartupFilter.Json).ConfigureAwait(false)
            : null;
        if (body?.Secret is { } secret)
            return secret;
        throw new InvalidOperationException(body?.Error is { } error
            ? $"The app refused the test key: {error}"
            : $"No test key (HTTP {(int)response.StatusCode}): create the client from factory.WithDeclarativeAuth(), not from the factory itself.");
    }
}
