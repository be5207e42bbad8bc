namespace Declarative.Auth;

/// <summary>
/// Declares that an endpoint needs an API key holding a permission, e.g.
/// <c>[RequiresKey(KeyType.Write, Scope = "events")]</c> requires <c>write:events</c>.
/// </summary>
/// <remarks>
/// Applies to minimal-API handlers (lambdas, method groups, local functions), controller classes
/// (inherited by derived controllers) and actions. The nearest declaration wins: an action's or a
/// handler's own attributes replace those of its class or route group. Several attributes at one level
/// are all required.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequiresKeyAttribute : Attribute, IRequiresKeyMetadata
{
    /// <summary>Requires <paramref name="type"/> on <see cref="Scope"/> (or <c>admin</c>).</summary>
    public RequiresKeyAttribute(KeyType type) => Type = type;

    /// <summary>The kind of access required.</summary>
    public KeyType Type { get; }

    /// <summary>The resource, e.g. <c>events</c>. Required unless <see cref="Type"/> is <see cref="KeyType.Admin"/>.</summary>
    public string? Scope { get; set; }

    /// <inheritdoc />
    public string Permission => PermissionName.Format(Type, Scope);
}
