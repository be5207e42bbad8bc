using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// Polls the store's change log (every 250 ms by default) and tells caches which keys changed, so a revoke
/// made by another process — the CLI, a second app on the same file — is enforced here within a second.
/// A failed poll marks the feed unhealthy (caches stop serving from memory) until a poll succeeds again.
/// </summary>
public sealed partial class SqliteKeyChangeFeed : IKeyChangeFeed, IDisposable
{
    private readonly SqliteApiKeyStore _store;
    private readonly ILogger<SqliteKeyChangeFeed> _logger;
    private readonly List<Action<string?>> _subscribers = [];
    private readonly Timer _timer;
    private long _lastSeq = -1;
    private volatile bool _healthy = true;
    private int _polling;

    /// <summary>Starts polling <paramref name="store"/> every <paramref name="interval"/>.</summary>
    public SqliteKeyChangeFeed(SqliteApiKeyStore store, ILogger<SqliteKeyChangeFeed> logger, TimeSpan? interval = null)
    {
        _store = store;
        _logger = logger;
        Poll();
        var period = interval ?? TimeSpan.FromMilliseconds(250);
        _timer = new Timer(_ => Poll(), null, period, period);
    }

    /// <inheritdoc />
    public bool IsHealthy => _healthy;

    /// <inheritdoc />
    public void Subscribe(Action<string?> onChange)
    {
        lock (_subscribers)
            _subscribers.Add(onChange);
    }

    /// <summary>Reads new change-log rows now. Called by the timer; public for tests.</summary>
    public void Poll()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
            return;
        try
        {
            using var connection = _store.Open();
            using var command = connection.CreateCommand();
            if (_lastSeq < 0)
            {
                command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM api_key_changes;";
                _lastSeq = (long)command.ExecuteScalar()!;
            }
            else
            {
                command.CommandText = "SELECT seq, key_id FROM api_key_changes WHERE seq > $last ORDER BY seq;";
                command.Parameters.AddWithValue("$last", _lastSeq);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    _lastSeq = reader.GetInt64(0);
                    Notify(reader.GetString(1));
                }
            }
            if (!_healthy)
            {
                _healthy = true;
                Notify(null); // changes may have been missed while down
                LogRecovered(_logger);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            if (_healthy)
            {
                _healthy = false;
                Notify(null);
                LogLost(_logger, ex.GetType().Name);
            }
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private void Notify(string? keyId)
    {
        Action<string?>[] subscribers;
        lock (_subscribers)
            subscribers = [.. _subscribers];
        foreach (var subscriber in subscribers)
            subscriber(keyId);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    [LoggerMessage(30, LogLevel.Warning, "Cannot read the SQLite key change log ({Kind}); cached keys are not served until it can.")]
    private static partial void LogLost(ILogger logger, string kind);

    [LoggerMessage(31, LogLevel.Information, "The SQLite key change log is readable again; the key cache was cleared.")]
    private static partial void LogRecovered(ILogger logger);
}
