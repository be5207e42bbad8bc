using System.Security.Claims;
using Declarative.Auth;

namespace ExistingApp;

/// <summary>
/// "Settings > API keys": a signed-in user creates, lists and revokes keys that act for them (the key's owner is the
/// user's id, so handlers see the user). Only permissions a user holds may be given to a key.
/// </summary>
internal static class ApiKeySettingsEndpoints
{
    private static readonly string[] Grantable = ["read:todos", "write:todos"];

    public static RouteGroupBuilder MapApiKeySettings(this RouteGroupBuilder keys)
    {
        keys.MapPost("/", async (NewKey request, ClaimsPrincipal user, ApiKeyService service) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Permissions is not { Length: > 0 } permissions
                || permissions.Any(p => !Grantable.Contains(p, StringComparer.Ordinal)))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                    detail: $"Give the key a name and one or more of: {string.Join(", ", Grantable)}.");
            }
            var created = await service.CreateAsync(new CreateApiKeyRequest
            {
                Name = request.Name,
                Permissions = permissions,
                Owner = OwnerOf(user),
            });
            return Results.Ok(new CreatedKey(created.Key.Id, created.Key.Name, created.Key.Permissions, created.Secret));
        });
        keys.MapGet("/", async (ClaimsPrincipal user, ApiKeyService service) =>
            (await service.ListAsync()).Where(k => k.Owner == OwnerOf(user))
                .Select(k => new KeyInfo(k.Id, k.Name, k.DisplayPart, k.Permissions, k.RevokedAt is not null)));
        keys.MapPost("/{id}/revoke", async (string id, ClaimsPrincipal user, ApiKeyService service) =>
        {
            // Another user's key is answered as if it did not exist.
            if (await service.GetAsync(id) is not { } key || key.Owner != OwnerOf(user))
                return Results.NotFound();
            await service.RevokeAsync(id);
            return Results.NoContent();
        });
        return keys;
    }

    private static string OwnerOf(ClaimsPrincipal user)
        => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");
}

internal sealed record NewKey(string Name, string[]? Permissions);

internal sealed record CreatedKey(string Id, string Name, IReadOnlyList<string> Permissions, string Secret);

internal sealed record KeyInfo(string Id, string Name, string DisplayPart, IReadOnlyList<string> Permissions, bool Revoked);
