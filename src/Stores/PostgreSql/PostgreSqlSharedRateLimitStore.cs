using Npgsql;
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

    // An instance counts as running while it reported within this many seconds (it reports every interval). Generous
    // on purpose: a stopped instance keeps a share for this long (fewer requests allowed, never more), while a slow
    // batch must never make the others think they are alone (then each would take the whole limit).
    private const long RunningWithinSeconds = 30;

    private readonly PostgreSqlApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly string _table, _createSql, _addSql, _cleanupSql, _runningSql;
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
            CREATE TABLE IF NOT EXISTS {_table}_instances (
                instance  text   NOT NULL PRIMARY KEY,
                seen_at   bigint NOT NULL
            );
            """;
        // An instance that stopped drops out of the split after a few seconds.
        _runningSql = $"""
            INSERT INTO {_table}_instances AS t (instance, seen_at) VALUES (@instance, @now)
            ON CONFLICT (instance) DO UPDATE SET seen_at = EXCLUDED.seen_at;
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

    public async Task<SharedRateAnswer> AddAsync(IReadOnlyList<SharedRateDelta> deltas, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _store.Connections.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // One round trip: this instance is running, how many are, (old rows go), the deltas and the others' counts.
        await using var batch = connection.CreateBatch();
        var running = new NpgsqlBatchCommand(_runningSql);
        running.Parameters.AddWithValue("instance", NpgsqlDbType.Text, Instance);
        running.Parameters.AddWithValue("now", NpgsqlDbType.Bigint, now);
        batch.BatchCommands.Add(running);
        var count = new NpgsqlBatchCommand($"SELECT COUNT(*)::int FROM {_table}_instances WHERE seen_at >= @since;");
        count.Parameters.AddWithValue("since", NpgsqlDbType.Bigint, now - RunningWithinSeconds);
        batch.BatchCommands.Add(count);
        if (_time.GetUtcNow().UtcTicks - _lastCleanupTicks > CleanupEveryTicks)
        {
            _lastCleanupTicks = _time.GetUtcNow().UtcTicks;
            var cleanup = new NpgsqlBatchCommand(_cleanupSql);
            cleanup.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, now - 60);
            batch.BatchCommands.Add(cleanup);
            var gone = new NpgsqlBatchCommand($"DELETE FROM {_table}_instances WHERE seen_at < @before;");
            gone.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, now - 60);
            batch.BatchCommands.Add(gone);
        }
        if (deltas.Count > 0)
        {
            var add = new NpgsqlBatchCommand(_addSql);
            add.Parameters.AddWithValue("instance", NpgsqlDbType.Text, Instance);
            add.Parameters.AddWithValue("partitions", NpgsqlDbType.Array | NpgsqlDbType.Text, deltas.Select(d => d.Partition).ToArray());
            add.Parameters.AddWithValue("windows", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => d.WindowSeconds).ToArray());
            add.Parameters.AddWithValue("starts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => d.WindowStart).ToArray());
            add.Parameters.AddWithValue("deltas", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deltas.Select(d => (long)d.Delta).ToArray());
            batch.BatchCommands.Add(add);
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // The INSERT returns no rows: the first result is the instance count.
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var instances = reader.GetInt32(0);
        var counts = new List<SharedRateCount>(deltas.Count);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                counts.Add(new SharedRateCount(reader.GetInt64(0), reader.GetInt32(1)));
        }
        if (counts.Count != deltas.Count)
            throw new InvalidOperationException($"The shared rate-limit query answered {counts.Count} rows for {deltas.Count} partitions.");
        return new SharedRateAnswer(counts, instances);
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
        await using var command = _store.Connections.CreateCommand(_createSql);
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
