using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

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
