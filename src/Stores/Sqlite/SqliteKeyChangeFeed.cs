using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// Polls the store's change log (every 250 ms by default) and tells caches which keys changed, so a revoke
/// made by another process — the CLI, a second app on the same file — is enforced here within a second.
/// A failed poll marks the feed unhealthy (caches stop serving from memory) until a poll succeeds again. History
/// that changed under it — a backup restored into the file (the log's sequence goes backwards, or the row it last
/// saw is no longer the same), or a different file at the path — makes it tell caches to drop everything.
/// </summary>
internal sealed partial class SqliteKeyChangeFeed : IKeyChangeFeed, IDisposable
{
    private readonly SqliteApiKeyStore _store;
    private readonly ILogger<SqliteKeyChangeFeed> _logger;
    private readonly List<Action<string?>> _subscribers = [];
    private readonly ITimer _timer;
    private long _lastSeq = -1;
    private (string KeyId, long ChangedAt)? _lastRow; // the row at _lastSeq, to notice a rewritten log
    private volatile bool _replaced;
    private volatile bool _healthy = true;
    private int _polling;

    /// <summary>Starts polling <paramref name="store"/> every <paramref name="interval"/> on <paramref name="time"/>'s timer (the app's TimeProvider).</summary>
    public SqliteKeyChangeFeed(SqliteApiKeyStore store, ILogger<SqliteKeyChangeFeed> logger, TimeSpan? interval = null, TimeProvider? time = null)
    {
        _store = store;
        _logger = logger;
        _store.Replaced += () =>
        {
            _replaced = true;
            Notify(null); // at once: the next poll resynchronises with the new file's log
        };
        Poll();
        var period = interval ?? TimeSpan.FromMilliseconds(250);
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Poll(), null, period, period);
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
            if (_replaced)
            {
                _replaced = false;
                _lastSeq = -1;
            }
            if (_lastSeq < 0)
            {
                ReadHighWaterMark(connection);
            }
            else if (!ReadSince(connection))
            {
                // The log is not the one we read: a restored backup or a rewritten file. Anything may have changed.
                LogRewound(_logger, _lastSeq);
                Notify(null);
                ReadHighWaterMark(connection);
            }
            if (!_healthy)
            {
                _healthy = true;
                Notify(null); // changes may have been missed while down
                LogRecovered(_logger);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or KeyStoreUnavailableException)
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

    private void ReadHighWaterMark(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, key_id, changed_at FROM api_key_changes ORDER BY seq DESC LIMIT 1;";
        using var reader = command.ExecuteReader();
        if (reader.Read())
            (_lastSeq, _lastRow) = (reader.GetInt64(0), (reader.GetString(1), reader.GetInt64(2)));
        else
            (_lastSeq, _lastRow) = (0, null);
    }

    // False when the row last seen is gone or different: the sequence went backwards under us.
    private bool ReadSince(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, key_id, changed_at FROM api_key_changes WHERE seq >= $last ORDER BY seq;";
        command.Parameters.AddWithValue("$last", _lastSeq);
        using var reader = command.ExecuteReader();
        var anchored = _lastRow is null;
        while (reader.Read())
        {
            var row = (reader.GetString(1), reader.GetInt64(2));
            var seq = reader.GetInt64(0);
            if (seq == _lastSeq && _lastRow is not null)
            {
                if (row != _lastRow.Value)
                    return false;
                anchored = true;
                continue;
            }
            if (!anchored)
                return false;
            (_lastSeq, _lastRow) = (seq, row);
            Notify(row.Item1);
        }
        return anchored;
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

    [LoggerMessage(34, LogLevel.Warning, "The SQLite key change log went back before sequence {Seq} (a backup restored into the file?); the key cache was cleared.")]
    private static partial void LogRewound(ILogger logger, long seq);

    [LoggerMessage(31, LogLevel.Information, "The SQLite key change log is readable again; the key cache was cleared.")]
    private static partial void LogRecovered(ILogger logger);
}
