namespace Declarative.Auth.Testing;

/// <summary>
/// One row of the authorization contract: an endpoint of the generated table, a caller, and what the declaration says
/// must happen. Made by <see cref="AuthContract.Cases{TEntryPoint}"/>; checked by
/// <see cref="AuthContract.VerifyAsync{TEntryPoint}"/>.
/// </summary>
public sealed class AuthCase
{
    internal AuthCase(EndpointEntry endpoint, string method, CaseKind kind, MintRequest? key, string? missing = null)
    {
        Endpoint = endpoint;
        Method = method;
        Kind = kind;
        Key = key;
        Missing = missing;
    }

    /// <summary>The endpoint's row in the generated table.</summary>
    public EndpointEntry Endpoint { get; }

    /// <summary>The HTTP method the case sends.</summary>
    public string Method { get; }

    internal CaseKind Kind { get; }

    /// <summary>The key sent, or null for no key.</summary>
    internal MintRequest? Key { get; }

    /// <summary>With <see cref="CaseKind.Lacking"/>: the required permission the key lacks (empty: a standard key on an event-ingestion endpoint).</summary>
    internal string? Missing { get; }

    /// <summary>The caller, in words, e.g. <c>a key lacking read:monitors</c>.</summary>
    public string Caller => Kind switch
    {
        CaseKind.NoKey => "no key",
        CaseKind.Lacking when string.IsNullOrEmpty(Missing) => "a standard key",
        CaseKind.Lacking => $"a key lacking {Missing}",
        CaseKind.Exact => Endpoint.Permissions.Count == 0 ? "any valid key" : $"a key holding exactly {string.Join(" + ", Endpoint.Permissions)}",
        CaseKind.EventWrite => "an event write key",
        _ => "a key of another workspace",
    };

    /// <summary>e.g. <c>GET /api/monitors/{id} · no key</c>: how the row reads in a test runner.</summary>
    public override string ToString() => $"{Method} {Endpoint.Route} · {Caller}";
}
