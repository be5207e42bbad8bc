namespace Declarative.Auth;

/// <summary>The kinds of credential the store holds.</summary>
public enum ApiKeyKind
{
    /// <summary>An API key with permissions.</summary>
    Standard = 0,

    /// <summary>An event write key: tied to one source connection, accepted only by event-ingestion endpoints.</summary>
    EventWrite = 1,
}
