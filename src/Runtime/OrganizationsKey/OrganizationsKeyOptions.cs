namespace Declarative.Auth;

/// <summary>The organizations key: supplied by an environment variable, never stored.</summary>
public sealed class OrganizationsKeyOptions
{
    /// <summary>The variable holding the key, e.g. <c>ACME_ORGANIZATIONS_KEY</c>. Null: organizations endpoints are disabled (404).</summary>
    public string? EnvironmentVariable { get; set; }
}
