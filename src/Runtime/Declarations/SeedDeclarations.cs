using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>
/// The endpoint works inside a workspace: the request names it (header, query parameter or route value, as
/// configured in <see cref="WorkspaceOptions"/>), or the key is restricted to one. Read it in the handler with
/// <c>HttpContext.GetWorkspace()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresWorkspaceAttribute : Attribute, IRequiresWorkspaceMetadata;

/// <summary>Marker for workspace-scoped endpoints.</summary>
public interface IRequiresWorkspaceMetadata;

/// <summary>
/// An event-ingestion endpoint: it accepts event write keys (tied to one source connection) as well as API
/// keys holding the endpoint's <see cref="RequiresKeyAttribute"/> permission, and answers CORS requests,
/// preflight included, so browser SDKs can send events. Every other endpoint refuses event write keys.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class EventIngestionAttribute : Attribute, IEventIngestionMetadata, IEnableCorsAttribute
{
    /// <summary>The CORS policy Declarative.Auth registers for ingestion endpoints.</summary>
    public const string CorsPolicyName = "DeclarativeAuth.EventIngestion";

    /// <inheritdoc />
    public string? PolicyName { get => CorsPolicyName; set { } }
}

/// <summary>Marker for event-ingestion endpoints.</summary>
public interface IEventIngestionMetadata;

/// <summary>
/// The endpoint accepts only the organizations key: a secret supplied by an environment variable
/// (<see cref="OrganizationsKeyOptions.EnvironmentVariable"/>), never stored, compared in constant time. When
/// the variable is absent these endpoints answer 404, as if they did not exist.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresOrganizationsKeyAttribute : Attribute, IRequiresOrganizationsKeyMetadata;

/// <summary>Marker for organizations-key endpoints.</summary>
public interface IRequiresOrganizationsKeyMetadata;

/// <summary>Any valid key, whatever it holds (e.g. an introspection endpoint such as <c>/me</c>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresAnyKeyAttribute : Attribute, IRequiresKeyMetadata
{
    /// <summary>Empty: no permission is required, only a valid key.</summary>
    public string Permission => "";
}

/// <summary>Overrides the per-key rate limit for this endpoint (requests per minute per key).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class KeyRateLimitAttribute(int requestsPerMinute) : Attribute
{
    /// <summary>Requests a key may make to this endpoint in one minute.</summary>
    public int RequestsPerMinute { get; } = requestsPerMinute > 0
        ? requestsPerMinute
        : throw new ArgumentOutOfRangeException(nameof(requestsPerMinute), "A rate limit is at least 1 request per minute.");
}
