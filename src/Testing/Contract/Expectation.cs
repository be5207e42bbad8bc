using System.Globalization;

namespace Declarative.Auth.Testing;

/// <summary>What a case's declaration requires of the answer: allowed, our refusal <see cref="Error"/>, or refused by the app.</summary>
internal sealed record Expectation(AuthError? Error, bool Allowed, int[]? AnyOf = null)
{
    private static readonly Expectation Pass = new(null, Allowed: true);
    private static readonly Expectation Unauthorized = new(AuthError.MissingKey, Allowed: false);
    private static readonly Expectation Forbidden = new(AuthError.PolicyDenied, Allowed: false);

    // Decided by the app's own authorization, or by the organizations key (404 while it is not configured):
    // refused, in whatever words the app's schemes use (a cookie scheme redirects to its login page).
    private static readonly Expectation RefusedByTheApp = new(null, Allowed: false, AnyOf: [401, 403, 404, 302, 303, 307]);

    public static Expectation For(AuthCase @case, DeclarativeAuthOptions options)
    {
        var entry = @case.Endpoint;
        return (entry.Access, @case.Kind) switch
        {
            (EndpointAccess.Public, _) => Pass,
            (EndpointAccess.Undeclared, _) => options.UndeclaredEndpoints == UndeclaredEndpointBehavior.Allow ? Pass : Forbidden,
            (EndpointAccess.OrganizationsKey, _) => RefusedByTheApp,
            (EndpointAccess.Authorize, CaseKind.NoKey) => RefusedByTheApp,
            (EndpointAccess.Authorize, _) => Forbidden, // an event write key is nobody's user
            (_, CaseKind.NoKey) => entry.OrAuthorization ? RefusedByTheApp : Unauthorized,
            (_, CaseKind.Exact) => Pass,
            (_, CaseKind.EventWrite) => entry.EventIngestion ? Pass : Forbidden,
            _ => Forbidden,
        };
    }

    /// <summary>Null when <paramref name="answer"/> is what this expects; else what was expected, in words.</summary>
    public async Task<string?> MismatchAsync(Answer answer, WrittenCodes codes, bool bodiless = false)
    {
        if (Allowed)
        {
            var refused = answer.Status is 401 or 403 || await codes.IsOtherRefusalAsync(answer).ConfigureAwait(false);
            return refused ? "allowed (not a 401/403 or another refusal of ours)" : null;
        }
        if (AnyOf is not null)
            return AnyOf.Contains(answer.Status) ? null : "refused (" + string.Join('/', AnyOf.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        var written = await codes.OfAsync(Error!).ConfigureAwait(false);
        // A HEAD answer has no body to carry the code: its status is all there is to compare.
        return answer.Status == Error!.Status && (bodiless || answer.Code == written)
            ? null
            : $"{Error.Status.ToString(CultureInfo.InvariantCulture)} {Error.Code}" + (written == Error.Code ? "" : $" (written as '{written}')");
    }
}
