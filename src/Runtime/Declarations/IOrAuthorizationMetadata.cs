namespace Declarative.Auth;

/// <summary>Endpoint metadata: a key, or the app's own authorization (see <see cref="OrAuthorizationAttribute"/>).</summary>
public interface IOrAuthorizationMetadata
{
    /// <summary>The app's authorization policy, or null for its default policy.</summary>
    string? Policy { get; }
}
