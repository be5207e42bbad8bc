using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>
/// Creates, lists, revokes, rotates and expires keys: what the CLI, the management API and app code call.
/// Secrets are generated here, returned once, and only their hashes reach the store.
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, ApiKeyFormat format, TimeProvider time, Func<IReadOnlyCollection<string>>? knownPermissions = null)
{
    /// <summary>The format keys are made in.</summary>
    public ApiKeyFormat Format => format;

    /// <summary>
    /// For a caller restricted to one workspace (an admin key with a workspace): the only workspace whose keys this
    /// service shows and manages, and the workspace every key it creates must be restricted to. Null: all keys.
    /// </summary>
    internal string? Workspace { get; private init; }

    /// <summary>Where create, rotate, revoke and expire are recorded; null: not recorded (a bare service in a test).</summary>
    internal KeyAuditLog? Audit { get; init; }

    /// <summary>Who the audit log names for this service's operations: <c>code</c> unless <see cref="As"/> says otherwise.</summary>
    internal string Actor { get; private init; } = "code";

    /// <summary>This service acting for <paramref name="actor"/> (an admin key id, <c>cli:&lt;user&gt;</c>, <c>secret-scanning</c>).</summary>
    internal ApiKeyService As(string actor) => new(store, format, time, knownPermissions) { Workspace = Workspace, Audit = Audit, Actor = actor };

    /// <summary>
    /// This service as seen by a caller restricted to <paramref name="workspace"/> (null: unrestricted), with every
    /// store call bounded by <paramref name="timeout"/> (a hung store answers <see cref="KeyStoreUnavailableException"/>).
    /// The management API and the console use it, so both apply the same rule.
    /// </summary>
    internal ApiKeyService For(string? workspace, TimeSpan? timeout = null)
        => workspace is null && timeout is null
            ? this
            : new(timeout is { } t ? new TimeLimitedApiKeyStore(store, t, time) : store, format, time, knownPermissions)
            {
                Workspace = workspace ?? Workspace,
                Audit = Audit,
                Actor = Actor,
            };

    /// <summary>Creates a key and returns its secret (once).</summary>
    public async Task<CreatedApiKey> CreateAsync(CreateApiKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } e && e <= now)
            throw Invalid($"expiresAt must be in the future (got {e:O}).");
        if (!Enum.IsDefined(request.Kind))
            throw Invalid($"kind must be {string.Join(" or ", Enum.GetNames<ApiKeyKind>())} (got {(int)request.Kind}).");
        if (request.Kind == ApiKeyKind.EventWrite && string.IsNullOrWhiteSpace(request.SourceConnection))
            throw Invalid("An event write key needs the source connection it belongs to.");
        var workspace = KeyText.Check(request.Workspace, "workspace", 128);
        var source = KeyText.Check(request.SourceConnection, "sourceConnection", 128);
        var owner = KeyText.Check(request.Owner, "owner", 256);
        if (Workspace is { } restricted && !string.Equals(workspace, restricted, StringComparison.Ordinal))
        {
            throw new ApiKeyOperationException("FORBIDDEN",
                $"A key restricted to workspace '{restricted}' can only create keys restricted to it: add \"workspace\": \"{restricted}\".");
        }
        var permissions = ValidatePermissions(request.Permissions, knownPermissions?.Invoke());
        if (permissions.Length == 0 && request.Kind == ApiKeyKind.Standard)
            throw Invalid("A key needs at least one permission, e.g. 'read:events', or 'admin'.");

        var secret = format.Generate();
        var key = new ApiKey
        {
            Id = NewId(),
            Name = ValidateName(request.Name),
            Hash = KeyHash.Compute(secret),
            DisplayPart = ApiKeyFormat.DisplayPartOf(secret),
            Permissions = permissions,
            Environment = format.Environment,
            Kind = request.Kind,
            Workspace = workspace,
            SourceConnection = source,
            Owner = owner,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        await store.AddAsync(key, cancellationToken).ConfigureAwait(false);
        await Record(KeyAuditEntry.Create, key, KeyAuditChanges.Created(key)).ConfigureAwait(false);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Every key (no secrets: none are kept).</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return Workspace is null ? keys : [.. keys.Where(Visible)];
    }

    /// <summary>One key, or null.</summary>
    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
        => await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } key && Visible(key) ? key : null;

    // Another workspace's key is "not found" to a restricted caller: it learns nothing about it, not even that it exists.
    private bool Visible(ApiKey key) => Workspace is null || string.Equals(key.Workspace, Workspace, StringComparison.Ordinal);

    /// <summary>Revokes a key: refused from the moment this returns. Revoking twice keeps the first time.</summary>
    public Task<ApiKey> RevokeAsync(string id, CancellationToken cancellationToken = default) => RevokeAsync(id, null, cancellationToken);

    /// <summary>Revokes a key, the audit log saying <paramref name="reason"/> too (e.g. where secret scanning found it).</summary>
    internal async Task<ApiKey> RevokeAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var key = await Existing(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (key.RevokedAt is { } at && at <= now)
            return key;
        await store.RevokeAsync(id, now, cancellationToken).ConfigureAwait(false);
        var change = KeyAuditChanges.Revoked(key, now);
        await Record(KeyAuditEntry.Revoke, key, reason is null ? change : change + "; " + reason).ConfigureAwait(false);
        return key with { RevokedAt = now };
    }

    /// <summary>Sets the key's expiry (now when <paramref name="at"/> is null).</summary>
    public async Task<ApiKey> ExpireAsync(string id, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var key = await Existing(id, cancellationToken).ConfigureAwait(false);
        var when = at ?? time.GetUtcNow();
        await store.SetExpiryAsync(id, when, cancellationToken).ConfigureAwait(false);
        await Record(KeyAuditEntry.Expire, key, KeyAuditChanges.Expiry(key.ExpiresAt, when)).ConfigureAwait(false);
        return key with { ExpiresAt = when };
    }

    /// <summary>
    /// Replaces a key's secret. The old key is refused at once, or after <paramref name="grace"/> — never
    /// after its own expiry. The new key expires at <paramref name="expiresAt"/> if given, else when the old
    /// one would have: rotation never lengthens a key's life beyond what was asked.
    /// </summary>
    public async Task<CreatedApiKey> RotateAsync(string id, TimeSpan grace = default, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        if (grace < TimeSpan.Zero || grace > TimeSpan.FromDays(7))
            throw Invalid("grace must be between 0 and 7 days.");
        var old = await Existing(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (old.IsRevoked(now) || old.IsExpired(now))
            throw new ApiKeyOperationException("CONFLICT", $"Key '{id}' is {old.StatusAt(now)}; only an active key can be rotated. Create a new one instead.");
        if (expiresAt is { } e && e <= now)
            throw Invalid($"expiresAt must be in the future (got {e:O}).");

        var oldEnds = now + grace;
        if (old.ExpiresAt is { } oldExpiry && oldExpiry < oldEnds)
            oldEnds = oldExpiry;
        if (old.RevokedAt is { } scheduled && scheduled < oldEnds)
            oldEnds = scheduled;

        var secret = format.Generate();
        var replacement = old with
        {
            Id = NewId(),
            Hash = KeyHash.Compute(secret),
            DisplayPart = ApiKeyFormat.DisplayPartOf(secret),
            Environment = format.Environment,
            CreatedAt = now,
            ExpiresAt = expiresAt ?? old.ExpiresAt,
            RevokedAt = null,
            LastUsedAt = null,
            RotatedFromId = old.Id,
        };
        if (!await store.RotateAsync(old.Id, replacement, oldEnds, cancellationToken).ConfigureAwait(false))
            throw NotFound(id);
        await Record(KeyAuditEntry.Rotate, old, KeyAuditChanges.Rotated(old, replacement, oldEnds)).ConfigureAwait(false);
        await Record(KeyAuditEntry.Create, replacement, KeyAuditChanges.Created(replacement)).ConfigureAwait(false);
        return new CreatedApiKey(replacement, secret);
    }

    // After the store write succeeded: the record never fails or undoes the operation (KeyAuditLog holds and retries).
    private Task Record(string action, ApiKey key, string change) => Audit?.RecordAsync(Actor, action, key, change) ?? Task.CompletedTask;

    internal static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    internal static string ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            throw Invalid("name is required: 1 to 100 printable characters, e.g. \"monitoring-service\".");
        return KeyText.Check(name.Trim(), "name", 100)!;
    }

    internal static string[] ValidatePermissions(IEnumerable<string>? permissions, IReadOnlyCollection<string>? known)
    {
        var list = (permissions ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        foreach (var p in list)
        {
            if (!PermissionName.TryParse(p, out _, out _))
                throw Invalid($"'{p}' is not a permission; write 'read:<scope>', 'write:<scope>', 'delete:<scope>' or 'admin'.");
            // write:x is meaningful when only read:x is used (it implies it), so compare scopes, not strings.
            if (known is { Count: > 1 } && p != PermissionName.Admin && !KnownScopes(known).Contains(p[(p.IndexOf(':') + 1)..]))
            {
                var scopes = string.Join(", ", KnownScopes(known).Order(StringComparer.Ordinal));
                throw Invalid($"'{p}' names a scope no endpoint of this app uses; known scopes: {scopes}.");
            }
        }
        return list;
    }

    private static HashSet<string> KnownScopes(IReadOnlyCollection<string> known)
        => [.. known.Select(k => PermissionName.TryParse(k, out _, out var scope) ? scope : null).OfType<string>()];

    private async Task<ApiKey> Existing(string id, CancellationToken cancellationToken)
        => await GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);

    private static ApiKeyOperationException Invalid(string message) => new("INVALID_REQUEST", message);

    private static ApiKeyOperationException NotFound(string id) => new("NOT_FOUND", $"No key with id '{id}'.");
}
