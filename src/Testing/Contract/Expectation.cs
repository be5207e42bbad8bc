using System.Globalization;

namespace Declarative.Auth.Testing;

/// <summary>What a case's declaration requires of the answer.</summary>
internal sealed record Expectation(int? Status, string? Code, bool Allowed, int[]? AnyOf = null)
{
    private static readonly Expectation Pass = new(null, null, Allowed: true);
    private static readonly Expectation Unauthorized = new(401, AuthErrorCodes.Unauthorized, Allowed: false);
    private static readonly Expectation Forbidden = new(403, AuthErrorCodes.Forbidden, Allowed: false);

    // Decided by the app's own authorization, or by the organizations key (404 while it is not configured):
    // refused, in whatever words the app's schemes use (a cookie scheme redirects to its login page).
    private static readonly Expectation RefusedByTheApp = new(null, null, Allowed: false, AnyOf: [401, 403, 404, 302, 303, 307]);

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

    public bool Matches(Answer answer)
    {
        if (Allowed)
            return answer.Status is not (401 or 403) && !RefusalCode.IsOurs(answer.Code);
        if (AnyOf is not null)
            return AnyOf.Contains(answer.Status);
        return answer.Status == Status && answer.Code == Code;
    }

    public override string ToString()
        => Allowed ? "allowed (no 401/403, no refusal code)"
            : AnyOf is not null ? "refused (" + string.Join('/', AnyOf.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")"
            : $"{Status} {Code}";
}
