using Declarative.Auth.Tables;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// The HTTP management API: create, list, get, revoke, rotate and expire keys, for <c>admin</c> keys only. An admin
/// key restricted to a workspace sees and manages only that workspace's keys, and creates only keys restricted to
/// it. Every store call is bounded by <see cref="DeclarativeAuthOptions.StoreTimeout"/> (503 when it runs out).
/// </summary>
public static class ApiKeyManagementEndpoints
{
    /// <summary>
    /// Maps <c>POST {prefix}</c> (create), <c>GET {prefix}</c> (list), <c>GET {prefix}/{id}</c>,
    /// <c>POST {prefix}/{id}/revoke</c>, <c>POST {prefix}/{id}/rotate</c> and <c>POST {prefix}/{id}/expire</c>,
    /// all requiring an <c>admin</c> key. Errors are problem details with a <c>code</c>.
    /// </summary>
    public static RouteGroupBuilder MapApiKeyManagement(this IEndpointRouteBuilder endpoints, string prefix = "/auth/keys")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix).RequireKey(KeyType.Admin).WithMetadata(KeyManagementAudit.Metadata);
        KeyActivityEndpoints.Map(group);
        group.MapPost("/", (RequestDelegate)Create).WithName("DeclarativeAuth.CreateKey");
        group.MapGet("/", (RequestDelegate)List).WithName("DeclarativeAuth.ListKeys");
        group.MapGet("/{id}", (RequestDelegate)Get).WithName("DeclarativeAuth.GetKey");
        group.MapGet("/{id}/reach", (RequestDelegate)Reach).WithName("DeclarativeAuth.KeyReach");
        group.MapPost("/{id}/revoke", (RequestDelegate)Revoke).WithName("DeclarativeAuth.RevokeKey");
        group.MapPost("/{id}/rotate", (RequestDelegate)Rotate).WithName("DeclarativeAuth.RotateKey");
        group.MapPost("/{id}/expire", (RequestDelegate)Expire).WithName("DeclarativeAuth.ExpireKey");
        return group;
    }

    private static Task Create(HttpContext context) => Handle(context, async (service, now) =>
    {
        var body = await ReadAsync(context, ManagementJsonContext.Default.CreateKeyBody).ConfigureAwait(false);
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions>>().Value;
        if (options.Workspace.RequiredForKeys && string.IsNullOrWhiteSpace(body.Workspace))
            throw new ApiKeyOperationException("INVALID_REQUEST", "Keys of this app are workspace-scoped: add \"workspace\": \"<workspace id>\".");
        var created = await service.CreateAsync(new CreateApiKeyRequest
        {
            Name = body.Name ?? "",
            Permissions = PermissionsFor(context, body, options.DefaultKeyPermissions),
            ExpiresAt = body.ExpiresAt,
            Workspace = body.Workspace,
            Kind = body.Kind,
            SourceConnection = body.SourceConnection,
            Owner = body.Owner,
        }, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.Location = $"{context.Request.PathBase}{context.Request.Path.Value?.TrimEnd('/')}/{created.Key.Id}";
        await WriteSecret(context, created, now).ConfigureAwait(false);
    });

    // What the key gets: what was asked for, plus the fewest permissions reaching the endpoints "for" names. A
    // standard key created with just a name gets the app's defaults; with none, the service's 400 says what to add.
    private static IReadOnlyList<string> PermissionsFor(HttpContext context, CreateKeyBody body, IReadOnlyList<string> defaults)
    {
        var given = body.Permissions ?? [];
        if (body.For is not { Count: > 0 } selectors)
            return given.Count > 0 || body.Kind != ApiKeyKind.Standard ? given : defaults;
        try
        {
            var live = context.RequestServices.GetRequiredService<DeclarativeAuthState>().LiveTable();
            return [.. given.Union(KeyReach.MinimalPermissions(live, selectors), StringComparer.Ordinal)];
        }
        catch (FormatException e)
        {
            throw new ApiKeyOperationException("INVALID_REQUEST", $"for: {e.Message}.");
        }
    }

    private static Task Reach(HttpContext context) => Handle(context, async (service, _) =>
    {
        var key = await service.GetAsync(Id(context), context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiKeyOperationException("NOT_FOUND", $"No key with id '{Id(context)}'.");
        var endpoints = context.RequestServices.GetRequiredService<DeclarativeAuthState>().EndpointsFor(key);
        await context.Response.WriteAsJsonAsync(new KeyReachView(key.Id, key.Permissions, endpoints), ManagementJsonContext.Default.KeyReachView,
            cancellationToken: context.RequestAborted).ConfigureAwait(false);
    });

    private static Task List(HttpContext context) => Handle(context, async (service, now) =>
    {
        var keys = await service.ListAsync(context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<KeyView> views = [.. keys.Select(k => KeyView.Of(k, now))];
        await context.Response.WriteAsJsonAsync(views, ManagementJsonContext.Default.IReadOnlyListKeyView, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    });

    private static Task Get(HttpContext context) => Handle(context, async (service, now) =>
    {
        var key = await service.GetAsync(Id(context), context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiKeyOperationException("NOT_FOUND", $"No key with id '{Id(context)}'.");
        await WriteKey(context, key, now).ConfigureAwait(false);
    });

    // The status is read after the change, at a time no earlier than the service's own: a key revoked or expired
    // "now" must not be shown as active by a clock read before the call.
    private static Task Revoke(HttpContext context) => Handle(context, async (service, _) =>
    {
        var key = await service.RevokeAsync(Id(context), context.RequestAborted).ConfigureAwait(false);
        await WriteKey(context, key, Now(context)).ConfigureAwait(false);
    });

    private static Task Expire(HttpContext context) => Handle(context, async (service, _) =>
    {
        var key = await service.ExpireAsync(Id(context), null, context.RequestAborted).ConfigureAwait(false);
        await WriteKey(context, key, Now(context)).ConfigureAwait(false);
    });

    private static DateTimeOffset Now(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    private static Task Rotate(HttpContext context) => Handle(context, async (service, now) =>
    {
        var body = context.Request.ContentLength is 0 || context.Request.ContentType is null
            ? new RotateKeyBody()
            : await ReadAsync(context, ManagementJsonContext.Default.RotateKeyBody).ConfigureAwait(false);
        var rotated = await service.RotateAsync(Id(context), TimeSpan.FromSeconds(body.GraceSeconds), body.ExpiresAt, context.RequestAborted).ConfigureAwait(false);
        await WriteSecret(context, rotated, now).ConfigureAwait(false);
    });

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    internal static async Task Handle(HttpContext context, Func<ApiKeyService, DateTimeOffset, Task> action)
    {
        var services = context.RequestServices;
        try
        {
            await action(ServiceFor(context), services.GetRequiredService<TimeProvider>().GetUtcNow()).ConfigureAwait(false);
        }
        catch (ApiKeyOperationException ex)
        {
            var status = ex.Code switch { "NOT_FOUND" => 404, "CONFLICT" => 409, "FORBIDDEN" => 403, _ => 400 };
            context.Response.StatusCode = status;
            await KeyManagementAudit.Failed(services.GetRequiredService<KeyAuditLog>(), context, status, ex.Code).ConfigureAwait(false);
            await services.GetRequiredService<IAuthErrorWriter>().WriteAsync(context, new AuthError(status, ex.Code, ex.Message)).ConfigureAwait(false);
        }
        catch (KeyStoreUnavailableException)
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "1";
            await services.GetRequiredService<IAuthErrorWriter>().WriteAsync(context, AuthError.Unavailable).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The key service as the calling key may use it: limited to the caller's workspace when its key is restricted
    /// to one, every store call bounded by the store timeout. Shared by the management API and the console.
    /// </summary>
    internal static ApiKeyService ServiceFor(HttpContext context)
    {
        var services = context.RequestServices;
        var caller = context.Features.Get<IApiKeyFeature>()?.Key;
        var timeout = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions>>().Value.StoreTimeout;
        var service = services.GetRequiredService<ApiKeyService>().For(caller?.Workspace, timeout);
        return caller is null ? service : service.As(caller.Id);
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (!context.Request.HasJsonContentType())
            throw new ApiKeyOperationException("INVALID_REQUEST", "Send a JSON body with 'Content-Type: application/json'.");
        try
        {
            return await context.Request.ReadFromJsonAsync(type, context.RequestAborted).ConfigureAwait(false)
                ?? throw new ApiKeyOperationException("INVALID_REQUEST", "The JSON body is empty.");
        }
        catch (JsonException ex)
        {
            throw new ApiKeyOperationException("INVALID_REQUEST", $"The JSON body is not valid: {ex.Message}");
        }
    }

    private static Task WriteKey(HttpContext context, ApiKey key, DateTimeOffset now)
        => context.Response.WriteAsJsonAsync(KeyView.Of(key, now), ManagementJsonContext.Default.KeyView, cancellationToken: context.RequestAborted);

    private static Task WriteSecret(HttpContext context, CreatedApiKey created, DateTimeOffset now)
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.CacheControl = "no-store";
        var view = new CreatedKeyView(KeyView.Of(created.Key, now), created.Secret, CreatedKeyView.CopyWarning);
        return context.Response.WriteAsJsonAsync(view, ManagementJsonContext.Default.CreatedKeyView, cancellationToken: context.RequestAborted);
    }
}
