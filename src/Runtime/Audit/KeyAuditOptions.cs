namespace Declarative.Auth;

/// <summary>The audit log of key operations (<c>DeclarativeAuth:Audit</c>).</summary>
public sealed class KeyAuditOptions
{
    /// <summary>How long entries are kept; older ones are purged in batches by a background step. Default: 90 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the background step purges old entries and retries entries a store failure held back. Default: 1 minute.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most refused management calls (401/403/400 on the management API) recorded per minute; beyond it they are
    /// counted, and the count is recorded with the next one. A flood of bad calls cannot fill the store. Default: 60.
    /// </summary>
    public int DeniedPerMinute { get; set; } = 60;

    /// <summary>
    /// With a custom key store (<c>UseStore</c>), the audit log and usage counts live in memory and are lost on restart;
    /// without this set, start-up logs a warning saying so. Default: false.
    /// </summary>
    public bool AllowInMemory { get; set; }
}
