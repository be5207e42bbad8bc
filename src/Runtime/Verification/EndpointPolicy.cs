namespace Declarative.Auth;

/// <summary>What the verifier does for one endpoint, compiled once from its metadata.</summary>
internal sealed class EndpointPolicy
{
    public static readonly EndpointPolicy Public = new(EndpointAccess.Public);
    public static readonly EndpointPolicy Undeclared = new(EndpointAccess.Undeclared);
    public static readonly EndpointPolicy Delegated = new(EndpointAccess.Authorize);
    public static readonly EndpointPolicy Organizations = new(EndpointAccess.OrganizationsKey);

    /// <summary>A declaration found wrong after start-up (endpoints that changed at run time): denied, whatever the app allows for undeclared ones.</summary>
    public static readonly EndpointPolicy Misdeclared = new(EndpointAccess.Undeclared);

    private EndpointPolicy(EndpointAccess access) => Access = access;

    public EndpointPolicy(string[] permissions, PermissionSet required, bool compiled, bool workspace, bool ingestion, int? rateLimit, string partitionSuffix,
        bool orAuthorization = false, string? authorizationPolicy = null)
    {
        OrAuthorization = orAuthorization;
        AuthorizationPolicy = authorizationPolicy;
        Access = EndpointAccess.Key;
        Permissions = permissions;
        Required = required;
        IsCompiled = compiled;
        RequiresWorkspace = workspace;
        EventIngestion = ingestion;
        RateLimitPerMinute = rateLimit;
        RatePartitionSuffix = partitionSuffix;
    }

    public EndpointAccess Access { get; }

    /// <summary>Every permission required (all of them), for messages and docs. Empty: any valid key.</summary>
    public string[] Permissions { get; } = [];

    /// <summary>The same as a bit set over the catalog, when <see cref="IsCompiled"/>.</summary>
    public PermissionSet Required { get; }

    /// <summary>False when a permission was not in the catalog (an endpoint added after start-up): checked by name.</summary>
    public bool IsCompiled { get; } = true;

    public bool RequiresWorkspace { get; }

    /// <summary>A caller the app's own authorization accepts (<see cref="AuthorizationPolicy"/>) may pass without a key.</summary>
    public bool OrAuthorization { get; }

    /// <summary>With <see cref="OrAuthorization"/>: the app's policy name, or null for its default policy.</summary>
    public string? AuthorizationPolicy { get; }

    /// <summary>Accepts event write keys (and answers CORS).</summary>
    public bool EventIngestion { get; }

    /// <summary>This endpoint's own per-key limit, or null for the key's or the app's.</summary>
    public int? RateLimitPerMinute { get; }

    /// <summary>What one request spends from each of the key's limits (<see cref="KeyRateLimitCostAttribute"/>).</summary>
    public int RateLimitCost { get; init; } = 1;

    /// <summary>
    /// This endpoint's own named limits (<see cref="KeyRateLimitWindowAttribute"/>), counted per key on top of the key's;
    /// empty for most endpoints.
    /// </summary>
    public EndpointRateLimit[] RateLimitWindows { get; init; } = [];

    /// <summary>
    /// <c>RateLimit-Policy</c> for this endpoint when its per-minute limit is the usual one (made on first use by
    /// <see cref="KeyRateLimits"/>; only for endpoints with their own limits: the others share one value).
    /// </summary>
    internal string? StandardPolicyHeader;

    /// <summary>Appended to the key id to partition an endpoint with its own limit; empty otherwise.</summary>
    public string RatePartitionSuffix { get; } = "";

    /// <summary>
    /// Null when <paramref name="key"/> may call this endpoint; else the 403. On an <c>[Authorize]</c> endpoint the
    /// app's authorization decides, except that an event write key is nobody's user.
    /// </summary>
    public AuthError? Refuses(VerifiedKey key)
    {
        if (key.Key.Kind == ApiKeyKind.EventWrite)
            return Access == EndpointAccess.Key && EventIngestion ? null : AuthError.EventWriteKeyElsewhere;
        if (Access != EndpointAccess.Key)
            return null;
        if (EventIngestion && Permissions.Length == 0)
            return key.IsAdmin ? null : AuthError.EventWriteKeyOnly;
        return IsSatisfiedBy(key) ? null : ForbiddenFor(key);
    }

    /// <summary>The catalog <see cref="Required"/> was compiled over; set by the state that caches this policy.</summary>
    internal PermissionCatalog? Catalog { get; set; }

    // Bits compare only over one catalog: a key compiled before the endpoints changed is checked by name instead.
    public bool IsSatisfiedBy(VerifiedKey key)
        => IsCompiled && ReferenceEquals(key.Catalog, Catalog) ? key.Grants.Covers(Required) : key.IsAdmin || Permissions.All(key.Key.Grants);

    public IEnumerable<string> MissingFrom(VerifiedKey key) => Permissions.Where(p => !key.Key.Grants(p));

    private AuthError? _lacksAll;

    /// <summary>
    /// The 403 for a key that does not satisfy this policy. A key usually holds none of what is required: that
    /// refusal is the same every time, so it is built once per endpoint; a partial miss names what is missing.
    /// </summary>
    public AuthError ForbiddenFor(VerifiedKey key)
    {
        var missing = 0;
        foreach (var p in Permissions)
        {
            if (!key.Key.Grants(p))
                missing++;
        }
        return missing == Permissions.Length
            ? _lacksAll ??= AuthError.MissingPermissions(Permissions, Permissions)
            : AuthError.MissingPermissions(Permissions, MissingFrom(key));
    }
}
