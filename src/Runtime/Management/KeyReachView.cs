namespace Declarative.Auth;

/// <summary>Body of <c>GET {prefix}/{id}/reach</c>: every live endpoint the key may call (its blast radius).</summary>
internal sealed record KeyReachView(string Id, IReadOnlyList<string> Permissions, IReadOnlyList<string> Endpoints);
