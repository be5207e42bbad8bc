namespace Declarative.Auth;

/// <summary>
/// One line of the audit log: who did what to which key, when, and what changed. Never a secret or a hash: the
/// fields are ids, names, permissions, times and refusal codes. Text that came from a request (a route value, an
/// actor) is cut to <see cref="KeyAuditText"/>'s bounds and stripped of control characters before it is stored.
/// </summary>
/// <param name="At">When (the app's <see cref="TimeProvider"/>).</param>
/// <param name="Actor">
/// Who: the admin key id for the management API (<c>key_…</c>), <c>cli:&lt;user&gt;</c> for the CLI, <c>code</c>
/// for <see cref="ApiKeyService"/> called by the app, <c>secret-scanning</c> for a leaked key, <c>anonymous</c> for a
/// refused call that carried no valid key.
/// </param>
/// <param name="Action">create, rotate, revoke, expire, or denied (a refused management call).</param>
/// <param name="KeyId">The key acted on; null when a refused call named none.</param>
/// <param name="Change">What changed, e.g. <c>expires: never → 2026-12-01T00:00:00Z</c>, or why a call was refused.</param>
/// <param name="Workspace">The target key's workspace, so an admin restricted to a workspace sees only its entries.</param>
internal sealed record KeyAuditEntry(DateTimeOffset At, string Actor, string Action, string? KeyId, string Change, string? Workspace = null)
{
    public const string Create = "create";
    public const string Rotate = "rotate";
    public const string Revoke = "revoke";
    public const string Expire = "expire";
    public const string Denied = "denied";

    /// <summary>The same entry with every text field made safe to store (length caps, no control characters).</summary>
    public KeyAuditEntry Bounded() => this with
    {
        Actor = KeyAuditText.Bound(Actor, KeyAuditText.MaxActor) ?? "unknown",
        Action = KeyAuditText.Bound(Action, 16) ?? "unknown",
        KeyId = KeyAuditText.Bound(KeyId, KeyAuditText.MaxKeyId),
        Change = KeyAuditText.Bound(Change, KeyAuditText.MaxChange) ?? "",
        Workspace = KeyAuditText.Bound(Workspace, 128),
    };
}
