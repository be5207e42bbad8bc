namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// Asks the running app what it does for one endpoint, given the requirement it should enforce: a key holding exactly
/// the requirement passes, a key lacking any single permission gets 403, no key gets 401; public needs no key;
/// undeclared refuses even an admin key with 403; [Authorize] takes any valid key. "Passes" means the auth layer let
/// the request through (any status but 401 and 403: the handler may still answer 400 to an empty body).
/// </summary>
internal static class RuntimeProbe
{
    /// <summary>The answers that differ from what <paramref name="expected"/> means; empty when the runtime agrees.</summary>
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(LiveApp app, LiveEndpoint endpoint, Requirement expected)
    {
        var wrong = new List<string>();
        async Task Expect(string who, string? key, Func<int, bool> ok, string wanted)
        {
            var status = await app.StatusAsync(endpoint, key);
            if (!ok(status))
                wrong.Add($"{who} got {status} (want {wanted})");
        }
        static bool Passes(int status) => status is not (401 or 403);

        switch (expected.Access)
        {
            case Requirement.Public:
                await Expect("no key", null, Passes, "not 401/403");
                break;
            case Requirement.Undeclared:
                await Expect("an admin key", app.Key(["admin"]), s => s == 403, "403");
                break;
            case Requirement.Authorize:
                await Expect("no key", null, s => s == 401, "401");
                await Expect("a key with no permission", app.Key([]), Passes, "not 401/403");
                break;
            case Requirement.Organizations:
                await Expect("no key", null, s => s is 401 or 403 or 404, "refused");
                await Expect("an admin API key", app.Key(["admin"]), s => s is 401 or 403 or 404, "refused");
                break;
            default:
                await Expect("no key", null, s => s == 401, "401");
                await Expect($"a key with exactly [{string.Join(",", expected.Permissions)}]", app.Key(expected.Permissions), Passes, "not 401/403");
                foreach (var missing in expected.Permissions)
                {
                    // Leave out the permission and whatever implies it (admin; write:x implies read:x).
                    var rest = expected.Permissions.Where(p => p != missing && !Implies(p, missing)).ToArray();
                    await Expect($"a key lacking {missing} [{string.Join(",", rest)}]", app.Key(rest), s => s == 403, "403");
                }
                break;
        }
        return wrong;
    }

    private static bool Implies(string held, string wanted)
        => held == "admin" || (wanted.StartsWith("read:", StringComparison.Ordinal) && held == "write:" + wanted[5..]);
}
