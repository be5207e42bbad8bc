using NpgsqlTypes;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// Rate-limit counts shared by every instance on one database: a row per (partition, window, window start, instance),
/// which only its instance writes, so instances never wait on each other's rows. One statement per batch adds this
/// instance's deltas and reads, in the same snapshot, what the other instances counted there. Rows are deleted a
/// minute after their window ends. The table is created on first use (<c>CREATE TABLE IF NOT EXISTS</c>), beside the
/// key table in the store's schema.
/// </summary>
internal sealed class PostgreSqlSharedRateLimitStore : ISharedRateLimitStore
{
    private static readonly long CleanupEveryTicks = TimeSpan.FromMinutes(1).Ticks;

    private readonly PostgreSqlApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly string _table, _createSql, _addSql, _cleanupSql;
    private readonly Lock _tableLock = new();
    private Task? _tableReady;
    private long _lastCleanupTicks;

    /// <param name="store">Whose database and schema hold the counts.</param>
    /// <param name="instance">This instance's name in the rows; unique per running instance.</param>
    /// <param name="time">The clock that decides when old rows are deleted.</param>
    public PostgreSqlSharedRateLimitStore(PostgreSqlApiKeyStore store, string instance, TimeProvider time)
    {
        _store = store;
        Instance = instance;
        _time = time;
        _table = PostgreSqlSchema.Quote(store.Schema) + ".rate_limit_counts";
        _createSql = $"""
            CREATE TABLE IF NOT EXISTS {_table} (
                partition      text   NOT NULL,
                window_seconds bigint NOT NULL,
                window_start   bigint NOT NULL,
                instance       text   NOT NULL,
                used           bigint NOT NULL,
                PRIMARY KEY (partition, window_seconds, window_start, instance)
            );
            """;
        _addSql = $"""
            WITH input AS (
                SELECT * FROM unnest(@partitions, @windows, @starts, @deltas) WITH ORDINALITY AS i(partition, window_seconds, window_start, delta, n)
            ), up AS (
                INSERT INTO {_table} AS t (partition, window_seconds, window_start, instance, used)
                SELECT partition, window_seconds, window_start, @instance, delta FROM input
                ON CONFLICT (partition, window_seconds, window_start, instance) DO UPDATE SET used = t.used + EXCLUDED.used
            )
            SELECT COALESCE(SUM(o.used), 0)::bigint, COUNT(o.instance)::int
            FROM input i
            LEFT JOIN {_table} o ON o.partition = i.partition AND o.window_seconds = i.window_seconds
                AND o.window_start = i.window_start AND o.instance <> @instance
            GROUP BY i.n ORDER BY i.n;
            """;
        _cleanupSql = $"DELETE FROM {_table} WHERE window_start + window_seconds < @before;";
    }

    /// <summary>This instance's name in the rows.</summary>
    public string Instance { get; }

    /// <summary>A name for this process: host, process id and a random part (two hosts may reuse an id).</summary>
    public static string NewInstanceName()
        => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<IReadOnlyList<SharedRateCount>> AddAsync(IReadOnlyList<SharedRateDelta> deltas, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _store.Pool.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (_time.GetUtcNow().UtcTicks - _lastCleanupTicks > CleanupEveryTicks)
        {
            _lastCleanupTicks = _time.GetUtcNow().UtcTicks;
            await using var cleanup = connection.CreateCommand();
            cleanup.CommandText = _cleanupSql;
            cleanup.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, now - 60);
            await cleanup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = _addSql;
        command.Parameters.AddWithValue("instance", NpgsqlDbType.Text, Instance);
        command.Parameters.AddWithValue("partitions", NpgsqlDbType.Array | NpgsqlDbType.Text, deltas.Select(d => d.Partition).ToArray());
        command.Parameters.AddWithValue("windows", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => d.WindowSeconds).ToArray());
        command.Parameters.AddWithValue("starts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => d.WindowStart).ToArray());
        command.Parameters.AddWithValue("deltas", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => (long)d.Delta).ToArray());
        var counts = new List<SharedRateCount>(deltas.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            counts.Add(new SharedRateCount(reader.GetInt64(0), reader.GetInt32(1)));
        if (counts.Count != deltas.Count)
            throw new InvalidOperationException($"The shared rate-limit query answered {counts.Count} rows for {deltas.Count} partitions.");
        return counts;
    }

    // Created once; a failed attempt (database down) is retried by the next batch.
    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        lock (_tableLock)
        {
            if (_tableReady is null || _tableReady.IsFaulted || _tableReady.IsCanceled)
                _tableReady = CreateTableAsync();
            return _tableReady.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateTableAsync()
    {
        await _store.EnsureSchemaAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = _store.Pool.CreateCommand(_createSql);
        try
        {
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState is "23505" or "42P07")
        {
            // Another instance created it at the same moment (IF NOT EXISTS is not atomic against a concurrent create).
        }
    }
}
