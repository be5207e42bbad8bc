using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>Marker for event-ingestion endpoints.</summary>
public interface IEventIngestionMetadata;
