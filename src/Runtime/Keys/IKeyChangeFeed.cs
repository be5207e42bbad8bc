namespace Declarative.Auth;

/// <summary>
/// Tells caches about changes made by other processes or instances (SQLite polling, PostgreSQL
/// LISTEN/NOTIFY). Stores that can be changed from elsewhere register one.
/// </summary>
public interface IKeyChangeFeed
{
    /// <summary>
    /// Registers a callback: called with a key id that changed, or with null when changes may have been
    /// missed (the channel was lost or came back): then everything cached must be dropped.
    /// </summary>
    void Subscribe(Action<string?> onChange);

    /// <summary>False while the channel is down: caches must not serve from memory then.</summary>
    bool IsHealthy { get; }
}
