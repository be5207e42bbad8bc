namespace Declarative.Auth;

/// <summary>Options, bound from the <c>DeclarativeAuth</c> configuration section and from code.</summary>
public sealed class DeclarativeAuthOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "DeclarativeAuth";

    /// <summary>
    /// What happens to an endpoint with no auth declaration. <see cref="UndeclaredEndpointBehavior.Deny"/>
    /// (the default) refuses it with 403; opting out is deliberate and logged at start-up.
    /// </summary>
    public UndeclaredEndpointBehavior UndeclaredEndpoints { get; set; } = UndeclaredEndpointBehavior.Deny;

    /// <summary>
    /// The prefix of this app's keys: 2 to 16 lowercase ASCII letters naming the product, e.g. <c>acme</c>
    /// gives keys like <c>acme_live_…</c>. Secret scanners look for it.
    /// </summary>
    public string KeyPrefix { get; set; } = "dauth";

    /// <summary>
    /// The environment of the keys this app accepts and creates. Default: <see cref="KeyEnvironment.Live"/> when
    /// the host environment is Production, else <see cref="KeyEnvironment.Test"/>.
    /// </summary>
    public KeyEnvironment? KeyEnvironment { get; set; }

    /// <summary>
    /// The longest a key lookup may take before the request is refused with 503 <c>AUTH_UNAVAILABLE</c>
    /// (never a hang, never a 200). Database stores use it as their command or busy timeout too.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often last-used times are written to the store, in one batch.</summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a verified key is served from memory before the store is asked again (the store's change feed evicts sooner).</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The header a 403 for missing permissions names the permission sets that would have been accepted in, e.g.
    /// <c>X-Accepted-Permissions: read:monitors, write:monitors, admin</c> (sets separated by commas, the permissions
    /// of one set by spaces). Null or empty: no header (the <c>WWW-Authenticate</c> scope still names what is required).
    /// </summary>
    public string? AcceptedPermissionsHeader { get; set; } = "X-Accepted-Permissions";

    /// <summary>The leaked-key endpoint's scanner keys and bounds (<see cref="SecretScanningEndpoint"/>).</summary>
    public SecretScanningOptions SecretScanning { get; } = new();

    /// <summary>Where workspace-scoped endpoints read the workspace from.</summary>
    public WorkspaceOptions Workspace { get; } = new();

    /// <summary>The organizations key's environment variable.</summary>
    public OrganizationsKeyOptions OrganizationsKey { get; } = new();

    /// <summary>CORS for event-ingestion endpoints.</summary>
    public EventIngestionOptions EventIngestion { get; } = new();

    /// <summary>The audit log of key operations: retention and the bound on recorded refused calls.</summary>
    public KeyAuditOptions Audit { get; } = new();

    /// <summary>Per-key usage counts: how long minutes and hours are kept.</summary>
    public KeyUsageOptions Usage { get; } = new();

    /// <summary>Per-key rate limits and the brute-force guard.</summary>
    public KeyRateLimitOptions RateLimits { get; } = new();

    /// <summary>Keys supplied by configuration, as hashes (never secrets). Loaded into the in-memory store.</summary>
    public List<ConfiguredKey> Keys { get; } = [];

    /// <summary>
    /// The permissions a key created through the management API (or the key console) gets when the request names
    /// none, e.g. <c>["write:tasks", "read:projects"]</c> for an app whose keys are created with just a name.
    /// Empty (the default): such a request is refused with 400 <c>INVALID_REQUEST</c>.
    /// </summary>
    public List<string> DefaultKeyPermissions { get; } = [];

    /// <summary>
    /// When set, every refusal of a key that is not valid — unknown, wrong prefix, wrong environment, bad
    /// checksum — says this one message (e.g. <c>"Invalid API key provided"</c>, as an API's docs promise) instead
    /// of the reason-specific message. Null (the default): each reason says what is wrong.
    /// </summary>
    public string? InvalidKeyMessage { get; set; }
}
