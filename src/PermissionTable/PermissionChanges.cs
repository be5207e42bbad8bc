using Declarative.Auth.Rules;

namespace Declarative.Auth.Tables;

/// <summary>How a change moves who may call an endpoint.</summary>
internal enum ChangeClass
{
    /// <summary>Some caller refused before is let in now: the changes a review must see.</summary>
    Widened,
    Narrowed,
    Added,
    Removed,
}

/// <summary>One endpoint's change; <see cref="Approved"/> when the approvals file lists a widened endpoint.</summary>
internal sealed record EndpointChange(ChangeClass Class, string Endpoint, IReadOnlyList<string> Reasons, bool Approved = false)
{
    /// <summary>A widening nobody approved: what fails the CLI's exit code and the build's gate.</summary>
    public bool BlocksGate => Class == ChangeClass.Widened && !Approved;
}

/// <summary>
/// Compares two permission tables endpoint by endpoint. "Widened" means a caller refused by the old table is
/// accepted by the new one: it became public, gained an audience (keys, the app's own logins, another key kind,
/// cross-origin browsers), left its workspace, or the minimal key for the new requirement would have been refused
/// by the old one (so replacing <c>write:x</c> by <c>read:x</c> widens, by the same grant rule the runtime applies).
/// A change that is both widens; an undeclared endpoint counts as refused, as the runtime's default treats it.
/// </summary>
internal static class PermissionChanges
{
    public static IReadOnlyList<EndpointChange> Compare(
        IReadOnlyDictionary<string, AccessRow> before,
        IReadOnlyDictionary<string, AccessRow> after,
        ISet<string>? approved = null)
    {
        var changes = new List<EndpointChange>();
        foreach (var (key, now) in after)
        {
            if (!before.TryGetValue(key, out var was))
            {
                changes.Add(new EndpointChange(ChangeClass.Added, now.Name, [Describe(now)]));
                continue;
            }
            var (widened, narrowed) = Reasons(was, now);
            if (widened.Count > 0)
                changes.Add(new EndpointChange(ChangeClass.Widened, now.Name, [.. widened, .. narrowed], IsApproved(approved, now)));
            else if (narrowed.Count > 0)
                changes.Add(new EndpointChange(ChangeClass.Narrowed, now.Name, narrowed));
        }
        foreach (var (key, was) in before)
        {
            if (!after.ContainsKey(key))
                changes.Add(new EndpointChange(ChangeClass.Removed, was.Name, [Describe(was)]));
        }
        return changes.OrderBy(c => c.Class).ThenBy(c => c.Endpoint, StringComparer.Ordinal).ToList();
    }

    /// <summary>"public", "key: read:monitors (apiKey)", "key or the app's policy 'admins': …", "undeclared (refused)".</summary>
    public static string Describe(AccessRow e) => e.Access switch
    {
        "public" => "public",
        "authorize" => "the app's own authorization",
        "undeclared" => "undeclared (refused)",
        _ => (e.Access == "keyOrAuthorization" ? $"key or the app's {Policy(e.OrAuthorization)}" : "key")
            + ": " + (e.Permissions.Count == 0 ? "any valid key" : string.Join(" + ", e.Permissions))
            + (e.KeyKinds.Count > 0 ? " (" + string.Join(", ", e.KeyKinds) + ")" : "")
            + (e.WorkspaceScoped ? ", workspace-scoped" : ""),
    };

    private static (List<string> Widened, List<string> Narrowed) Reasons(AccessRow was, AccessRow now)
    {
        List<string> widened = [], narrowed = [];
        void Either(bool gained, bool lost, string what)
        {
            if (gained)
                widened.Add("now " + what);
            if (lost)
                narrowed.Add("no longer " + what);
        }

        Either(!IsPublic(was) && IsPublic(now), IsPublic(was) && !IsPublic(now), "public");
        if (IsPublic(was) || IsPublic(now))
            return (widened, narrowed);
        Either(!TakesKeys(was) && TakesKeys(now), TakesKeys(was) && !TakesKeys(now), "accepts keys: " + Describe(TakesKeys(now) ? now : was));
        Either(!TakesApp(was) && TakesApp(now), TakesApp(was) && !TakesApp(now), "accepts the app's own authorization");
        if (TakesApp(was) && TakesApp(now) && was.OrAuthorization != now.OrAuthorization && was.OrAuthorization is not null && now.OrAuthorization is not null)
            widened.Add($"app authorization changed from {Policy(was.OrAuthorization)} to {Policy(now.OrAuthorization)}");
        if (TakesKeys(was) && TakesKeys(now))
        {
            // The minimal key for one requirement, tried against the other: admitted there means no caller is lost.
            if (!Satisfies(now.Permissions, was.Permissions))
                widened.Add($"permissions {List(was.Permissions)} → {List(now.Permissions)}: a key holding {List(now.Permissions)} was refused before");
            else if (!Satisfies(was.Permissions, now.Permissions))
                narrowed.Add($"permissions {List(was.Permissions)} → {List(now.Permissions)}");
            foreach (var kind in now.KeyKinds.Except(was.KeyKinds))
                widened.Add("now accepts " + kind);
            foreach (var kind in was.KeyKinds.Except(now.KeyKinds))
                narrowed.Add("no longer accepts " + kind);
            // Leaving a workspace widens: the key of any workspace is let in.
            if (was.WorkspaceScoped && !now.WorkspaceScoped)
                widened.Add("no longer workspace-scoped");
            if (!was.WorkspaceScoped && now.WorkspaceScoped)
                narrowed.Add("now workspace-scoped");
        }
        Either(!was.Cors && now.Cors, was.Cors && !now.Cors, "answers cross-origin (CORS) requests");
        return (widened, narrowed);
    }

    /// <summary>True when a key holding exactly <paramref name="held"/> meets every permission in <paramref name="required"/>.</summary>
    private static bool Satisfies(IReadOnlyList<string> held, IReadOnlyList<string> required)
        => required.All(r => held.Any(h => PermissionText.Grants(h, r)));

    private static bool IsPublic(AccessRow e) => e.Access == "public";

    private static bool TakesKeys(AccessRow e) => e.Access is "key" or "keyOrAuthorization";

    private static bool TakesApp(AccessRow e) => e.Access is "authorize" or "keyOrAuthorization";

    private static string Policy(string? name) => name is null or "default" ? "default policy" : $"policy '{name}'";

    private static string List(IReadOnlyList<string> permissions) => permissions.Count == 0 ? "(any valid key)" : string.Join(" + ", permissions);

    private static bool IsApproved(ISet<string>? approved, AccessRow e)
        => approved is not null && (approved.Contains(PermissionTable.MatchKey(e)) || approved.Contains(PermissionTable.MatchKey(e with { Method = "*" })));
}
