using Npgsql;
using NpgsqlTypes;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// Leases on shared rate limits, one row per (partition, window, window start) holding what all instances reserved
/// there. A batch locks its rows in key order (instances with the same keys never deadlock), adds each delta, and grants
/// what was asked but never past the limit (<see cref="SharedRateRequest.Apply"/>, here in SQL): under the row lock, so
/// two instances never both get the last of a limit. Rows are deleted a minute after their window ends. The tables
/// are the store's migration 4 (<see cref="PostgreSqlSchema"/>).
/// </summary>
internal sealed class PostgreSqlSharedRateLimitStore : ISharedRateLimitStore
{
    private static readonly long CleanupEveryTicks = TimeSpan.FromMinutes(1).Ticks;

    // An instance counts as running while it reported within this many seconds (it reports every interval). Only
    // sizes the reserve-ahead chunks (never what is granted), so a stale count costs a little speed, never the bound.
    private const long RunningWithinSeconds = 30;

    private const string Input = "unnest(@partitions, @windows, @starts, @limits, @deltas, @wants) WITH ORDINALITY AS i(partition, window_seconds, window_start, lim, delta, want, n)";

    private readonly PostgreSqlApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly string _table, _instances, _insertSql, _lockSql, _grantSql, _cleanupSql, _runningSql;
    private long _lastCleanupTicks;

    /// <param name="store">Whose database and schema hold the leases.</param>
    /// <param name="instance">This instance's name; unique per running instance.</param>
    /// <param name="time">The clock that decides when old rows are deleted.</param>
    public PostgreSqlSharedRateLimitStore(PostgreSqlApiKeyStore store, string instance, TimeProvider time)
    {
        _store = store;
        Instance = instance;
        _time = time;
        var schema = PostgreSqlSchema.Quote(store.Schema);
        _table = schema + ".rate_limit_leases";
        _instances = schema + ".rate_limit_instances";
        _runningSql = $"""
            INSERT INTO {_instances} AS t (instance, seen_at) VALUES (@instance, @now)
            ON CONFLICT (instance) DO UPDATE SET seen_at = EXCLUDED.seen_at;
            """;
        _insertSql = $"""
            INSERT INTO {_table} (partition, window_seconds, window_start, reserved)
            SELECT partition, window_seconds, window_start, 0 FROM {Input}
            ORDER BY partition, window_seconds, window_start
            ON CONFLICT DO NOTHING;
            """;
        _lockSql = $"""
            SELECT 1 FROM {_table} t JOIN {Input} USING (partition, window_seconds, window_start)
            ORDER BY t.partition, t.window_seconds, t.window_start FOR UPDATE OF t;
            """;
        _grantSql = $"""
            WITH g AS (
                SELECT i.n, t.partition, t.window_seconds, t.window_start, t.reserved + i.delta AS after_delta, i.lim, i.want
                FROM {_table} t JOIN {Input} USING (partition, window_seconds, window_start)
            ), up AS (
                UPDATE {_table} t SET reserved = g.after_delta + LEAST(g.want, GREATEST(0, g.lim - g.after_delta))
                FROM g WHERE t.partition = g.partition AND t.window_seconds = g.window_seconds AND t.window_start = g.window_start
                RETURNING g.n, LEAST(g.want, GREATEST(0, g.lim - g.after_delta))::int AS granted, t.reserved
            )
            SELECT granted, reserved FROM up ORDER BY n;
            """;
        _cleanupSql = $"DELETE FROM {_table} WHERE window_start + window_seconds < @before;";
    }

    /// <summary>This instance's name in the rows.</summary>
    public string Instance { get; }

    /// <summary>A name for this process: host, process id and a random part (two hosts may reuse an id).</summary>
    public static string NewInstanceName()
        => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<SharedRateAnswer> ReserveAsync(IReadOnlyList<SharedRateRequest> requests, CancellationToken cancellationToken)
    {
        await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _store.Connections.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // One round trip, one transaction: this instance runs, how many do, (old rows go), then the leases.
        await using var batch = connection.CreateBatch();
        var running = new NpgsqlBatchCommand(_runningSql);
        running.Parameters.AddWithValue("instance", NpgsqlDbType.Text, Instance);
        running.Parameters.AddWithValue("now", NpgsqlDbType.Bigint, now);
        batch.BatchCommands.Add(running);
        var count = new NpgsqlBatchCommand($"SELECT COUNT(*)::int FROM {_instances} WHERE seen_at >= @since;");
        count.Parameters.AddWithValue("since", NpgsqlDbType.Bigint, now - RunningWithinSeconds);
        batch.BatchCommands.Add(count);
        if (_time.GetUtcNow().UtcTicks - _lastCleanupTicks > CleanupEveryTicks)
        {
            _lastCleanupTicks = _time.GetUtcNow().UtcTicks;
            var cleanup = new NpgsqlBatchCommand(_cleanupSql);
            cleanup.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, now - 60);
            batch.BatchCommands.Add(cleanup);
            var gone = new NpgsqlBatchCommand($"DELETE FROM {_instances} WHERE seen_at < @before;");
            gone.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, now - 60);
            batch.BatchCommands.Add(gone);
        }
        if (requests.Count > 0)
        {
            foreach (var sql in new[] { _insertSql, _lockSql, _grantSql })
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.AddWithValue("partitions", NpgsqlDbType.Array | NpgsqlDbType.Text, requests.Select(r => r.Partition).ToArray());
                command.Parameters.AddWithValue("windows", NpgsqlDbType.Array | NpgsqlDbType.Bigint, requests.Select(r => r.WindowSeconds).ToArray());
                command.Parameters.AddWithValue("starts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, requests.Select(r => r.WindowStart).ToArray());
                command.Parameters.AddWithValue("limits", NpgsqlDbType.Array | NpgsqlDbType.Bigint, requests.Select(r => (long)r.Limit).ToArray());
                command.Parameters.AddWithValue("deltas", NpgsqlDbType.Array | NpgsqlDbType.Bigint, requests.Select(r => (long)r.Delta).ToArray());
                command.Parameters.AddWithValue("wants", NpgsqlDbType.Array | NpgsqlDbType.Bigint, requests.Select(r => (long)r.Want).ToArray());
                batch.BatchCommands.Add(command);
            }
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // The INSERT returns no rows: the first result is the instance count; the lock's rows are skipped.
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var instances = reader.GetInt32(0);
        var grants = new List<SharedRateGrant>(requests.Count);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.FieldCount != 2)
                continue;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                grants.Add(new SharedRateGrant(reader.GetInt32(0), reader.GetInt64(1)));
        }
        if (grants.Count != requests.Count)
            throw new InvalidOperationException($"The shared rate-limit query answered {grants.Count} rows for {requests.Count} partitions.");
        return new SharedRateAnswer(grants, instances);
    }
}
