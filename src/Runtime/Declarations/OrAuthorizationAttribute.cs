namespace Declarative.Auth;

/// <summary>
/// Lets the endpoint's key requirement be met another way: by the app's own authorization (its logins,
/// through its authentication schemes), with the default policy or <see cref="Policy"/>. A bearer token shaped
/// like one of this app's keys is checked as a key; any other credential goes to the app's schemes and is never
/// counted as a failed key attempt. Put it next to <see cref="RequiresKeyAttribute"/> (or use
/// <c>.RequireKey(...).OrAuthorization()</c>); it follows the same levels: a handler's own declarations replace
/// those of its class or groups.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class OrAuthorizationAttribute : Attribute, IOrAuthorizationMetadata
{
    /// <summary>The app's authorization policy a signed-in caller must pass; null for the default policy.</summary>
    public string? Policy { get; set; }
}
