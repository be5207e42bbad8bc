using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// Keys in one SQLite file (WAL mode), schema created and upgraded on first use. Every write also appends to
/// a change log that <see cref="SqliteKeyChangeFeed"/> polls, so a revoke made by another process (the CLI)
/// reaches this process's cache.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore
{
    private const string Columns =
        "id, name, hash, display_part, permissions, environment, kind, workspace, source_connection, rotated_from_id, created_at, expires_at, revoked_at, last_used_at";

    private readonly string _connectionString;

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

        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        using (var connection = new SqliteConnection(builder.ToString()))
        {
            connection.Open();
            SqliteSchema.Apply(connection);
        }
        // After start-up a missing file is a fault (503), never a fresh empty database that knows no keys.
        builder.Mode = SqliteOpenMode.ReadWrite;
        _connectionString = builder.ToString();
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    internal SqliteConnection Open()
    {
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
            using var connection = Open();
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
            return 0;
        });
        return Task.CompletedTask;
    }

    private static bool Insert(SqliteCommand c, ApiKey key)
    {
        c.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $name, $hash, $display, $permissions, $environment, $kind, $workspace, $source, $rotated, $created, $expires, $revoked, $used);";
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
        using var connection = Open();
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
            keys.Add(Map(reader));
        return keys;
    });

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
}
