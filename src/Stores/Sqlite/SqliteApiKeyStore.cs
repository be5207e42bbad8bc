using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// Keys in one SQLite file (WAL mode), schema created and upgraded on first use. Every write also appends to
/// a change log that <see cref="SqliteKeyChangeFeed"/> polls, so a revoke made by another process (the CLI)
/// reaches this process's cache. The file is watched by identity (device and inode): while nothing is at the path
/// every call fails as unavailable (503), a write is acknowledged only if the file it reached is still the one at
/// the path after it committed, and a different file put at the path (a restore, a CLI that recreated it) is used
/// from then on, with caches told to drop everything.
/// </summary>
public sealed partial class SqliteApiKeyStore : IApiKeyStore
{
    private const string Columns =
        "id, name, hash, display_part, permissions, environment, kind, workspace, source_connection, rotated_from_id, created_at, expires_at, revoked_at, last_used_at, owner";

    private readonly string _connectionString;
    private readonly Lock _identityLock = new();
    private SqliteFileIdentity? _identity;

    /// <summary>Opens (creating if needed) the database at <paramref name="pathOrConnectionString"/>.</summary>
    /// <param name="pathOrConnectionString">A file path, or a Microsoft.Data.Sqlite connection string.</param>
    /// <param name="busyTimeout">How long a call waits on a locked file before failing as unavailable (default 5 s).</param>
    public SqliteApiKeyStore(string pathOrConnectionString, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var builder = pathOrConnectionString.Contains('=')
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        builder.Pooling = true;
        if (busyTimeout is { } timeout)
            builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        else if (builder.DefaultTimeout == 30)
            builder.DefaultTimeout = 5; // busy timeout: a locked file fails in seconds, not half a minute
        DataSource = builder.DataSource;

        // Unpooled: a pooled connection of another store in this process may hold a file since deleted from the path.
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false;
        using (var connection = new SqliteConnection(builder.ToString()))
        {
            connection.Open();
            SqliteSchema.Apply(connection);
        }
        // After start-up a missing file is a fault (503), never a fresh empty database that knows no keys.
        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = true;
        _connectionString = builder.ToString();
        using (var stale = new SqliteConnection(_connectionString))
            SqliteConnection.ClearPool(stale);
        _identity = IsFile ? SqliteFileIdentity.Of(DataSource) : null;
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    /// <summary>Where rows that cannot be read are reported (set by <c>UseSqliteStore</c>).</summary>
    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Raised when a different database file was found at the path and is used from now on.</summary>
    internal event Action? Replaced;

    private bool IsFile => DataSource.Length > 0 && DataSource != ":memory:" && !DataSource.StartsWith("file:", StringComparison.Ordinal);

    internal SqliteConnection Open() => Open(out _);

    // `opened`: the file the connection is meant for, which a write compares with after its commit.
    private SqliteConnection Open(out SqliteFileIdentity? opened)
    {
        opened = CheckIdentity();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // The pool's connections hold the file they opened, deleted or not: compare what is at the path now.
    private SqliteFileIdentity? CheckIdentity()
    {
        if (!IsFile)
            return null;
        var now = SqliteFileIdentity.Of(DataSource)
            ?? throw new KeyStoreUnavailableException($"The SQLite key database '{DataSource}' is gone (removed or moved); keys are refused with 503 until it is back.");
        bool replaced;
        lock (_identityLock)
        {
            replaced = _identity != now;
            if (replaced)
            {
                // Connections to the old file must never serve again.
                using (var old = new SqliteConnection(_connectionString))
                    SqliteConnection.ClearPool(old);
                _identity = now;
            }
        }
        if (replaced)
        {
            LogReplaced(Logger, DataSource);
            Replaced?.Invoke();
        }
        return now;
    }

    // After a commit: the write counts only if it reached the file that is at the path.
    private void ConfirmIdentity(SqliteFileIdentity? opened)
    {
        if (!IsFile)
            return;
        // Compared with the file this write opened, not the latest seen: another call may have moved on meanwhile.
        var now = SqliteFileIdentity.Of(DataSource);
        if (now is null || now != opened)
            throw new KeyStoreUnavailableException($"The SQLite key database '{DataSource}' was removed or replaced during the write; the change may not have reached it. Try again.");
    }

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(c =>
        {
            c.CommandText = $"SELECT {Columns} FROM api_keys WHERE hash = $hash;";
            c.Parameters.AddWithValue("$hash", hash.ToArray());
        }).FirstOrDefault());

    /// <inheritdoc />
    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
        => Task.FromResult(Read(c =>
        {
            c.CommandText = $"SELECT {Columns} FROM api_keys WHERE id = $id;";
            c.Parameters.AddWithValue("$id", id);
        }).FirstOrDefault());

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<ApiKey>>(Read(c => c.CommandText = $"SELECT {Columns} FROM api_keys ORDER BY created_at, id;"));

    /// <inheritdoc />
    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        Write(key.Id, (c, tx) => Insert(c, key));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
        => Task.FromResult(Write(id, (c, _) => Update(c, id, "revoked_at", revokedAt)));

    /// <inheritdoc />
    public Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
        => Task.FromResult(Write(id, (c, _) => Update(c, id, "expires_at", expiresAt)));

    /// <inheritdoc />
    public Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
        => Task.FromResult(Write(oldId, (c, tx) =>
        {
            if (!Update(c, oldId, "revoked_at", oldRevokedAt))
                return false;
            using var insert = c.Connection!.CreateCommand();
            insert.Transaction = tx;
            Insert(insert, replacement);
            return true;
        }));

    /// <inheritdoc />
    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
    {
        if (lastUsed.Count == 0)
            return Task.CompletedTask;
        Guard(() =>
        {
            using var connection = Open(out var opened);
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "UPDATE api_keys SET last_used_at = $at WHERE id = $id AND (last_used_at IS NULL OR last_used_at < $at);";
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var at = command.Parameters.Add("$at", SqliteType.Integer);
            foreach (var (keyId, when) in lastUsed)
            {
                id.Value = keyId;
                at.Value = when.ToUnixTimeMilliseconds();
                command.ExecuteNonQuery();
            }
            tx.Commit();
            ConfirmIdentity(opened);
            return 0;
        });
        return Task.CompletedTask;
    }

    private static bool Insert(SqliteCommand c, ApiKey key)
    {
        c.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $name, $hash, $display, $permissions, $environment, $kind, $workspace, $source, $rotated, $created, $expires, $revoked, $used, $owner);";
        c.Parameters.AddWithValue("$id", key.Id);
        c.Parameters.AddWithValue("$name", key.Name);
        c.Parameters.AddWithValue("$hash", key.Hash.ToArray());
        c.Parameters.AddWithValue("$display", key.DisplayPart);
        c.Parameters.AddWithValue("$permissions", string.Join(' ', key.Permissions));
        c.Parameters.AddWithValue("$environment", (int)key.Environment);
        c.Parameters.AddWithValue("$kind", (int)key.Kind);
        c.Parameters.AddWithValue("$workspace", (object?)key.Workspace ?? DBNull.Value);
        c.Parameters.AddWithValue("$source", (object?)key.SourceConnection ?? DBNull.Value);
        c.Parameters.AddWithValue("$rotated", (object?)key.RotatedFromId ?? DBNull.Value);
        c.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
        c.Parameters.AddWithValue("$expires", Millis(key.ExpiresAt));
        c.Parameters.AddWithValue("$revoked", Millis(key.RevokedAt));
        c.Parameters.AddWithValue("$used", Millis(key.LastUsedAt));
        c.Parameters.AddWithValue("$owner", (object?)key.Owner ?? DBNull.Value);
        try
        {
            c.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
        {
            throw new InvalidOperationException($"A key with id '{key.Id}' or the same secret is already stored.", ex);
        }
        return true;
    }

    private static bool Update(SqliteCommand c, string id, string column, DateTimeOffset? value)
    {
        c.CommandText = $"UPDATE api_keys SET {column} = $value WHERE id = $id;";
        c.Parameters.AddWithValue("$value", Millis(value));
        c.Parameters.AddWithValue("$id", id);
        return c.ExecuteNonQuery() == 1;
    }

    // One transaction: the change and its change-log row land together or not at all.
    private bool Write(string keyId, Func<SqliteCommand, SqliteTransaction, bool> change) => Guard(() =>
    {
        using var connection = Open(out var opened);
        using var tx = connection.BeginTransaction();
        bool changed;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            changed = change(command, tx);
        }
        if (changed)
        {
            using var log = connection.CreateCommand();
            log.Transaction = tx;
            log.CommandText = "INSERT INTO api_key_changes (key_id, changed_at) VALUES ($id, $at);";
            log.Parameters.AddWithValue("$id", keyId);
            log.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            log.ExecuteNonQuery();
        }
        tx.Commit();
        ConfirmIdentity(opened);
        return changed;
    });

    private List<ApiKey> Read(Action<SqliteCommand> prepare) => Guard(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        prepare(command);
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read())
        {
            if (TryMap(reader) is { } key)
                keys.Add(key);
        }
        return keys;
    });

    // A row this version cannot read (a hash of the wrong length, an unknown kind, a bad value written by hand) is
    // skipped and logged: one bad row must not make every list fail, and it must never become a usable key.
    private ApiKey? TryMap(SqliteDataReader r)
    {
        var id = r.IsDBNull(0) ? "(null)" : r.GetValue(0)?.ToString() ?? "(null)";
        try
        {
            var key = Map(r);
            if (!Enum.IsDefined(key.Kind) || !Enum.IsDefined(key.Environment))
                throw new FormatException($"unknown kind {(int)key.Kind} or environment {(int)key.Environment}");
            return key;
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or OverflowException)
        {
            LogBadRow(Logger, id, ex.Message);
            return null;
        }
    }

    private static ApiKey Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        Hash = KeyHash.FromBytes((byte[])r.GetValue(2)),
        DisplayPart = r.GetString(3),
        Permissions = r.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Environment = (KeyEnvironment)r.GetInt32(5),
        Kind = (ApiKeyKind)r.GetInt32(6),
        Workspace = r.IsDBNull(7) ? null : r.GetString(7),
        SourceConnection = r.IsDBNull(8) ? null : r.GetString(8),
        RotatedFromId = r.IsDBNull(9) ? null : r.GetString(9),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)),
        ExpiresAt = r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        RevokedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        LastUsedAt = r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        Owner = r.IsDBNull(14) ? null : r.GetString(14),
    };

    private static object Millis(DateTimeOffset? value) => value is { } v ? v.ToUnixTimeMilliseconds() : DBNull.Value;

    // Locked, unreadable or missing files surface as "unavailable" (503), never as a key that is not there.
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode != 19)
        {
            throw new KeyStoreUnavailableException($"The SQLite key store failed (SQLite error {ex.SqliteErrorCode}).", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DbException and not SqliteException)
        {
            throw new KeyStoreUnavailableException("The SQLite key store cannot be read.", ex);
        }
    }

    [LoggerMessage(32, LogLevel.Error, "Skipped key row '{Id}' of the SQLite key store: it cannot be read ({Reason}). Fix or delete the row; the key is refused meanwhile.")]
    private static partial void LogBadRow(ILogger logger, string id, string reason);

    [LoggerMessage(33, LogLevel.Warning, "A different SQLite key database is now at '{Path}' (replaced or restored); it is used from now on and cached keys were dropped.")]
    private static partial void LogReplaced(ILogger logger, string path);
}
