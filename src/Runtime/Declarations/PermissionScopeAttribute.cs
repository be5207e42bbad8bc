namespace Declarative.Auth;

/// <summary>
/// Declares one scope of the app's permission catalog, with a description for the docs:
/// <c>[assembly: PermissionScope("events", "Events sent by sources")]</c>. Once an app declares at least one,
/// every <c>Scope = "..."</c> must name a declared scope (DAUTH002).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class PermissionScopeAttribute(string scope, string description) : Attribute
{
    /// <summary>The scope, e.g. <c>events</c>.</summary>
    public string Scope { get; } = scope;

    /// <summary>What the scope covers, for people reading the docs.</summary>
    public string Description { get; } = description;
}
