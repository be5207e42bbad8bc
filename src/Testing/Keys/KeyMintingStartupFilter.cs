using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth.Testing;

/// <summary>
/// In the test host only: answers the kit's key requests before the app's pipeline. An <see cref="HttpClient"/> does
/// not expose the server it talks to, so <c>client.WithKey(...)</c> asks its own server for a key over the client
/// itself — the key is minted by the app's <see cref="ApiKeyService"/> in the app's store, whatever factory made the client.
/// </summary>
internal sealed class KeyMintingStartupFilter(KitState state) : IStartupFilter
{
    public const string Path = "/.declarative-auth-testing/keys";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != Path)
            {
                await nextMiddleware(context).ConfigureAwait(false);
                return;
            }
            try
            {
                var request = await JsonSerializer.DeserializeAsync<MintRequest>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false)
                    ?? throw new ApiKeyOperationException("INVALID_REQUEST", "empty key request");
                var secret = await request.MintAsync(state.Keys, state.Time).ConfigureAwait(false);
                await context.Response.WriteAsJsonAsync(new MintResponse(secret, null), Json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ApiKeyOperationException or JsonException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new MintResponse(null, ex.Message), Json, context.RequestAborted).ConfigureAwait(false);
            }
        });
        next(app);
    };
}

/// <summary>The minted key's secret, or why none was minted.</summary>
internal sealed record MintResponse(string? Secret, string? Error);
