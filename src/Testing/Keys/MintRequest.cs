namespace Declarative.Auth.Testing;

/// <summary>Whether a minted key is usable, revoked or expired.</summary>
internal enum KeyState
{
    Active = 0,
    Revoked = 1,
    Expired = 2,
}

/// <summary>A key to mint: what a client sends to the kit's minting middleware, and what the contract cases ask for.</summary>
internal sealed record MintRequest
{
    public string[] Permissions { get; init; } = [];

    public string? Workspace { get; init; }

    /// <summary>Set: an event write key of this source connection.</summary>
    public string? SourceConnection { get; init; }

    public string? Owner { get; init; }

    public KeyState State { get; init; }

    /// <summary>Mints the key through the app's own <see cref="ApiKeyService"/> (real format, hashed in the store) and returns its secret.</summary>
    public async Task<string> MintAsync(ApiKeyService keys, TimeProvider time)
    {
        var created = await keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = SourceConnection is not null ? "test event-write key"
                : Permissions.Length <= 2 ? "test " + string.Join('+', Permissions)
                : $"test {Permissions[0]} and {Permissions.Length - 1} more",
            Permissions = Permissions,
            Workspace = Workspace,
            Kind = SourceConnection is null ? ApiKeyKind.Standard : ApiKeyKind.EventWrite,
            SourceConnection = SourceConnection,
            Owner = Owner,
        }).ConfigureAwait(false);
        if (State == KeyState.Revoked)
            await keys.RevokeAsync(created.Key.Id).ConfigureAwait(false);
        else if (State == KeyState.Expired)
            await keys.ExpireAsync(created.Key.Id, time.GetUtcNow()).ConfigureAwait(false); // expired from this instant: no clock has to move
        return created.Secret;
    }
}
