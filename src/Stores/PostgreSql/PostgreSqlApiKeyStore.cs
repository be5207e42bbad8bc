using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// Keys in a PostgreSQL table, for apps running many instances. The schema is created and upgraded by the library
/// on first use. Every write that changes a key (revoke, expiry, rotation) announces the key's id with
/// <c>NOTIFY declarative_auth_keys</c> in the same transaction; <see cref="PostgreSqlKeyChangeFeed"/> on every
/// instance listens and evicts. Connection and server failures surface as <see cref="KeyStoreUnavailableException"/>
/// (503), never as a key that is not there.
/// </summary>
public sealed partial class PostgreSqlApiKeyStore : IApiKeyStore, IAsyncDisposable, IDisposable
{
    private const string Columns =
        "id, name, hash, display_part, permissions, environment, kind, workspace, source_connection, rotated_from_id, created_at, expires_at, revoked_at, last_used_at, owner";

    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlStoreOptions _options;
    private readonly int _lookupTimeoutSeconds;
    private readonly string _findSql, _getSql, _listSql, _insertSql, _revokeSql, _expirySql, _usageSql;
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    /// <summary>A store on the database of <paramref name="connectionString"/>.</summary>
    /// <exception cref="ArgumentException">The connection string or an option is invalid (the message says which).</exception>
    public PostgreSqlApiKeyStore(string connectionString, PostgreSqlStoreOptions? options = null)
        : this(ParseConnectionString(connectionString), null, options)
    {
    }

    /// <summary>
    /// A store on the app's own <paramref name="dataSource"/> (one registered in DI): the app owns it (its pool, its
    /// password provider) and disposes it; this store never sees its password.
    /// </summary>
    internal PostgreSqlApiKeyStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options)
        : this(null, dataSource, options)
    {
    }

    private PostgreSqlApiKeyStore(string? connectionString, NpgsqlDataSource? appDataSource, PostgreSqlStoreOptions? options)
    {
        _options = (options ?? new PostgreSqlStoreOptions()).Clone();
        _options.Validate();
        ConnectionString = connectionString;
        _ownsDataSource = appDataSource is null;
        _dataSource = appDataSource ?? NpgsqlDataSource.Create(connectionString!);
        _lookupTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(_options.LookupTimeout.TotalSeconds));

        var t = PostgreSqlSchema.Quote(_options.Schema) + ".api_keys";
        _findSql = $"SELECT {Columns} FROM {t} WHERE hash = @hash;";
        _getSql = $"SELECT {Columns} FROM {t} WHERE id = @id;";
        _listSql = $"SELECT {Columns} FROM {t} ORDER BY created_at, id;";
        _insertSql = $"INSERT INTO {t} ({Columns}) VALUES (@id, @name, @hash, @display, @permissions, @environment, @kind, @workspace, @source, @rotated, @created, @expires, @revoked, @used, @owner);";
        _revokeSql = $"UPDATE {t} SET revoked_at = @value WHERE id = @id;";
        _expirySql = $"UPDATE {t} SET expires_at = @value WHERE id = @id;";
        _usageSql = $"""
            UPDATE {t} AS k SET last_used_at = u.at
            FROM unnest(@ids, @ats) AS u(id, at)
            WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at);
            """;
    }

    // Holds the password: never public, never in ToString or an exception message (issue 17.4). Null when the store
    // runs on the app's NpgsqlDataSource (whose ConnectionString carries no password unless the app asked for it).
    internal string? ConnectionString { get; }

    private readonly bool _ownsDataSource;

    /// <summary>The app's data source this store runs on, or null when it made its own from a connection string.</summary>
    internal NpgsqlDataSource? AppDataSource => _ownsDataSource ? null : _dataSource;

    /// <summary>Where the keys are, without credentials: host, port, database and schema.</summary>
    public override string ToString() => $"PostgreSQL key store ({Target})";

    /// <summary>Host, port, database and schema: what messages may name (never user or password).</summary>
    internal string Target
    {
        get
        {
            var target = new NpgsqlConnectionStringBuilder(ConnectionString ?? _dataSource.ConnectionString);
            return $"Host={target.Host};Port={target.Port};Database={target.Database};Schema={_options.Schema}";
        }
    }

    /// <summary>The settings in use.</summary>
    public PostgreSqlStoreOptions Options => _options.Clone();

    internal string Schema => _options.Schema;

    /// <summary>The pool every query of this store's database uses: keys, the audit log and usage, shared rate-limit counts.</summary>
    internal NpgsqlDataSource Connections => _dataSource;

    /// <summary>Where rows that cannot be read are reported (set by <c>UsePostgreSqlStore</c>).</summary>
    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Validates <paramref name="connectionString"/> and gives it back normalized.
    /// </summary>
    /// <exception cref="ArgumentException">It is empty, malformed, or names no host.</exception>
    internal static string ParseConnectionString(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("The PostgreSQL key store needs a connection string, e.g. \"Host=db;Database=app;Username=app;Password=…\".", nameof(connectionString));
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The message of the parser names the bad keyword; the connection string itself may hold a password.
            throw new ArgumentException($"The PostgreSQL key store's connection string is invalid: {ex.Message}", nameof(connectionString), ex);
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new ArgumentException("The PostgreSQL key store's connection string names no Host.", nameof(connectionString));
        return builder.ConnectionString;
    }

    /// <summary>
    /// Creates or upgrades the schema now (otherwise done by the first operation). Safe to call from many
    /// instances at once.
    /// </summary>
    /// <exception cref="KeyStoreUnavailableException">The database cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer version.</exception>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        var schema = _schema;
        if (schema is { IsCompletedSuccessfully: true })
            return Task.CompletedTask;
        lock (_schemaLock)
        {
            // A failed attempt (database down at start) is retried by the next caller.
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
                _schema = Migrate();
            return _schema.WaitAsync(cancellationToken);
        }
    }

    private async Task Migrate()
    {
        await Task.Yield();
        await Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await PostgreSqlSchema.ApplyAsync(connection, _options.Schema, CancellationToken.None).ConfigureAwait(false);
            return 0;
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ApiKey?> FindAsync(KeyHash hash, CancellationToken cancellationToken = default)
    {
        // The verifier's path: bounded, so a hung database turns into 503s, not piled-up requests.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.LookupTimeout);
        try
        {
            await EnsureSchemaAsync(timeout.Token).ConfigureAwait(false);
            var keys = await Read(_findSql, c =>
            {
                c.CommandTimeout = _lookupTimeoutSeconds; // server-side bound too, should the cancellation not get through
                c.Parameters.Add(new NpgsqlParameter<byte[]>("hash", NpgsqlDbType.Bytea) { TypedValue = hash.ToArray() });
            }, timeout.Token).ConfigureAwait(false);
            return keys.Count == 0 ? null : keys[0];
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeyStoreUnavailableException($"The PostgreSQL key store did not answer a key lookup within {_options.LookupTimeout.TotalMilliseconds:0} ms.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var keys = await Read(_getSql, c => c.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = id }),
            cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Read(_listSql, _ => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // Announced like any change: a cache that remembered a miss for this key's hash must forget it.
        await Write(key.Id, async (connection, tx, ct) =>
        {
            await Insert(connection, tx, key, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Write(id, (connection, tx, ct) => Update(connection, tx, _revokeSql, id, revokedAt, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SetExpiryAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Write(id, (connection, tx, ct) => Update(connection, tx, _expirySql, id, expiresAt, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RotateAsync(string oldId, ApiKey replacement, DateTimeOffset oldRevokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldId);
        ArgumentNullException.ThrowIfNull(replacement);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Write(oldId, async (connection, tx, ct) =>
        {
            if (!await Update(connection, tx, _revokeSql, oldId, oldRevokedAt, ct).ConfigureAwait(false))
                return false;
            await Insert(connection, tx, replacement, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        if (lastUsed.Count == 0)
            return;
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var ids = new string[lastUsed.Count];
        var ats = new DateTimeOffset[lastUsed.Count];
        var i = 0;
        foreach (var (id, at) in lastUsed)
        {
            ids[i] = id;
            ats[i++] = at.ToUniversalTime();
        }
        // Not announced: when a key was last used changes no decision a cache makes.
        await Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(_usageSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = ats });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task Insert(NpgsqlConnection connection, NpgsqlTransaction tx, ApiKey key, CancellationToken cancellationToken)
    {
        await using var c = new NpgsqlCommand(_insertSql, connection, tx);
        c.Parameters.Add(Text("id", key.Id));
        c.Parameters.Add(Text("name", key.Name));
        c.Parameters.Add(new NpgsqlParameter<byte[]>("hash", NpgsqlDbType.Bytea) { TypedValue = key.Hash.ToArray() });
        c.Parameters.Add(Text("display", key.DisplayPart));
        c.Parameters.Add(new NpgsqlParameter<string[]>("permissions", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. key.Permissions] });
        c.Parameters.Add(new NpgsqlParameter<int>("environment", NpgsqlDbType.Integer) { TypedValue = (int)key.Environment });
        c.Parameters.Add(new NpgsqlParameter<int>("kind", NpgsqlDbType.Integer) { TypedValue = (int)key.Kind });
        c.Parameters.Add(Text("workspace", key.Workspace));
        c.Parameters.Add(Text("source", key.SourceConnection));
        c.Parameters.Add(Text("rotated", key.RotatedFromId));
        c.Parameters.Add(Time("created", key.CreatedAt));
        c.Parameters.Add(Time("expires", key.ExpiresAt));
        c.Parameters.Add(Time("revoked", key.RevokedAt));
        c.Parameters.Add(Time("used", key.LastUsedAt));
        c.Parameters.Add(Text("owner", key.Owner));
        try
        {
            await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw new InvalidOperationException($"A key with id '{key.Id}' or the same secret is already stored.", ex);
        }
    }

    private static async Task<bool> Update(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string id, DateTimeOffset? value, CancellationToken cancellationToken)
    {
        await using var c = new NpgsqlCommand(sql, connection, tx);
        c.Parameters.Add(Time("value", value));
        c.Parameters.Add(Text("id", id));
        return await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static NpgsqlParameter Text(string name, string? value)
        => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value)
        => new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    // One transaction: the change and its announcement land together or not at all (NOTIFY is sent on commit).
    private Task<bool> Write(string? announceId, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
        => Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var changed = await change(connection, tx, cancellationToken).ConfigureAwait(false);
            if (changed && announceId is not null)
            {
                await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @id);", connection, tx);
                notify.Parameters.Add(Text("channel", PostgreSqlStoreOptions.Channel));
                notify.Parameters.Add(Text("id", announceId));
                await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return changed;
        }, cancellationToken);

    // Reads are retried once on a fresh connection when the pooled one turns out to be dead (server restart,
    // failover): otherwise every idle connection in the pool would cost one 503 after the database comes back.
    private async Task<List<ApiKey>> Read(string sql, Action<NpgsqlCommand> prepare, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadOnce(sql, prepare, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyStoreUnavailableException ex) when (IsConnectionLoss(ex.InnerException) && !cancellationToken.IsCancellationRequested)
        {
            return await ReadOnce(sql, prepare, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsConnectionLoss(Exception? ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57P0", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { InnerException: TimeoutException } => false, // slow, not dead: retrying would only double the wait
        NpgsqlException => true,
        _ => false,
    };

    private Task<List<ApiKey>> ReadOnce(string sql, Action<NpgsqlCommand> prepare, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        prepare(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryMap(reader) is { } key)
                keys.Add(key);
        }
        return keys;
    }, cancellationToken);

    // A row this version cannot read (a hash of the wrong length, an unknown kind, a bad value written by hand) is
    // skipped and logged: one bad row must not make every list fail, and it must never become a usable key.
    private ApiKey? TryMap(NpgsqlDataReader r)
    {
        var id = r.IsDBNull(0) ? "(null)" : r.GetString(0);
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

    [LoggerMessage(46, LogLevel.Error, "Skipped key row '{Id}' of the PostgreSQL key store: it cannot be read ({Reason}). Fix or delete the row; the key is refused meanwhile.")]
    private static partial void LogBadRow(ILogger logger, string id, string reason);

    private static ApiKey Map(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        Hash = KeyHash.FromBytes(r.GetFieldValue<byte[]>(2)),
        DisplayPart = r.GetString(3),
        Permissions = r.GetFieldValue<string[]>(4),
        Environment = (KeyEnvironment)r.GetInt32(5),
        Kind = (ApiKeyKind)r.GetInt32(6),
        Workspace = r.IsDBNull(7) ? null : r.GetString(7),
        SourceConnection = r.IsDBNull(8) ? null : r.GetString(8),
        RotatedFromId = r.IsDBNull(9) ? null : r.GetString(9),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(10),
        ExpiresAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        RevokedAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
        LastUsedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        Owner = r.IsDBNull(14) ? null : r.GetString(14),
    };

    // An unreachable, restarting or failing server is "unavailable" (503); a duplicate stays InvalidOperationException;
    // the caller's own cancellation stays a cancellation.
    private async Task<T> Guard<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionLoss(ex) && ClearPool())
        {
            throw; // not reached: ClearPool returns false
        }
        catch (PostgresException ex) when (ex.SqlState != UniqueViolation)
        {
            throw new KeyStoreUnavailableException($"The PostgreSQL key store failed ({ex.SqlState}: {ex.MessageText}).", ex);
        }
        catch (Exception ex) when (ex is NpgsqlException and not PostgresException or SocketException or IOException or TimeoutException)
        {
            throw new KeyStoreUnavailableException($"The PostgreSQL key store cannot be reached ({ex.Message}).", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && ex.InnerException is TimeoutException or NpgsqlException)
        {
            throw new KeyStoreUnavailableException("The PostgreSQL key store timed out.", ex);
        }
    }

    // The other idle connections died with this one: drop them rather than fail a request on each.
    private bool ClearPool()
    {
        _dataSource.Clear();
        return false;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
            _dataSource.Dispose();
    }
}
