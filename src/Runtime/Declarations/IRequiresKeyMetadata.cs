namespace Declarative.Auth;

/// <summary>Endpoint metadata naming one permission an API key must hold.</summary>
public interface IRequiresKeyMetadata
{
    /// <summary>The permission, e.g. <c>write:events</c> or <c>admin</c>.</summary>
    string Permission { get; }
}
