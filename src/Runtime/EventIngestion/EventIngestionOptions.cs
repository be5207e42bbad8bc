namespace Declarative.Auth;

/// <summary>CORS for event-ingestion endpoints.</summary>
public sealed class EventIngestionOptions
{
    /// <summary>Origins browsers may send events from; empty means any origin. Credentials are never allowed.</summary>
    public List<string> AllowedOrigins { get; } = [];
}
