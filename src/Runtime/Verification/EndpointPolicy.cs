namespace Declarative.Auth;

/// <summary>What the verifier does for one endpoint, compiled once from its metadata.</summary>
internal sealed class EndpointPolicy
{
    public static readonly EndpointPolicy Public = new(EndpointAccess.Public, [], default, compiled: true);
    public static readonly EndpointPolicy Undeclared = new(EndpointAccess.Undeclared, [], default, compiled: true);
    public static readonly EndpointPolicy Delegated = new(EndpointAccess.Authorize, [], default, compiled: true);

    public EndpointPolicy(EndpointAccess access, string[] permissions, PermissionSet required, bool compiled)
    {
        Access = access;
        Permissions = permissions;
        Required = required;
        IsCompiled = compiled;
    }

    public EndpointAccess Access { get; }

    /// <summary>Every permission required (all of them), for messages and docs.</summary>
    public string[] Permissions { get; }

    /// <summary>The same as a bit set over the catalog, when <see cref="IsCompiled"/>.</summary>
    public PermissionSet Required { get; }

    /// <summary>False when a permission was not in the catalog (an endpoint added after start-up): checked by name.</summary>
    public bool IsCompiled { get; }

    public bool IsSatisfiedBy(VerifiedKey key)
        => IsCompiled ? key.Grants.Covers(Required) : key.IsAdmin || Permissions.All(key.Key.Grants);

    public IEnumerable<string> MissingFrom(VerifiedKey key) => Permissions.Where(p => !key.Key.Grants(p));
}
