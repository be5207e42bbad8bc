using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using NpgsqlTypes;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// The audit log and usage counts in the store's schema, in tables of their own (<c>api_key_audit</c>,
/// <c>api_key_usage</c>: migration 3 of <see cref="PostgreSqlSchema"/>). Usage rows are upserted, adding counts: every instance's flush sums into the same rows, one
/// statement per flush. Failures surface as <see cref="KeyStoreUnavailableException"/>, like the key store's.
/// </summary>
internal sealed class PostgreSqlKeyActivityStore : IKeyAuditStore, IKeyUsageStore
{
    private readonly PostgreSqlApiKeyStore _keys;
    private readonly string _audit, _usage;

    public PostgreSqlKeyActivityStore(PostgreSqlApiKeyStore keys)
    {
        _keys = keys;
        var schema = PostgreSqlSchema.Quote(keys.Schema);
        _audit = schema + ".api_key_audit";
        _usage = schema + ".api_key_usage";
    }

    /// <summary>Makes the audit log and usage counts of <c>UsePostgreSqlStore</c> live in its database.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp => new PostgreSqlKeyActivityStore(sp.GetRequiredService<PostgreSqlApiKeyStore>()));
        services.RemoveAll<IKeyAuditStore>();
        services.RemoveAll<IKeyUsageStore>();
        services.AddSingleton<IKeyAuditStore>(sp => sp.GetRequiredService<PostgreSqlKeyActivityStore>());
        services.AddSingleton<IKeyUsageStore>(sp => sp.GetRequiredService<PostgreSqlKeyActivityStore>());
    }

    public Task AppendAsync(KeyAuditEntry entry, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var c = new NpgsqlCommand($"INSERT INTO {_audit} (at, actor, action, key_id, change, workspace) VALUES (@at, @actor, @action, @key, @change, @ws);", connection);
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", NpgsqlDbType.TimestampTz) { TypedValue = entry.At.ToUniversalTime() });
        c.Parameters.Add(Text("actor", entry.Actor));
        c.Parameters.Add(Text("action", entry.Action));
        c.Parameters.Add(Text("key", entry.KeyId));
        c.Parameters.Add(Text("change", entry.Change));
        c.Parameters.Add(Text("ws", entry.Workspace));
        return await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        await using var c = new NpgsqlCommand($"""
            SELECT at, actor, action, key_id, change, workspace FROM {_audit}
            WHERE (@key::text IS NULL OR key_id = @key) AND (@since::timestamptz IS NULL OR at >= @since) AND (@ws::text IS NULL OR workspace = @ws)
            ORDER BY at DESC, seq DESC LIMIT @limit;
            """, connection);
        c.Parameters.Add(Text("key", keyId));
        c.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since is { } s ? s.ToUniversalTime() : DBNull.Value });
        c.Parameters.Add(Text("ws", workspace));
        c.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var r = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<KeyAuditEntry>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new KeyAuditEntry(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        }
        return (IReadOnlyList<KeyAuditEntry>)entries;
    }, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, int batch, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        await using var c = new NpgsqlCommand($"DELETE FROM {_audit} WHERE seq IN (SELECT seq FROM {_audit} WHERE at < @before ORDER BY at LIMIT @batch);", connection);
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", NpgsqlDbType.TimestampTz) { TypedValue = before.ToUniversalTime() });
        c.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = batch });
        return await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public Task AddAsync(DateTimeOffset minute, IReadOnlyList<KeyUsageCount> counts, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        ArgumentNullException.ThrowIfNull(counts);
        // One statement for the whole flush: each (key, code) goes to its minute and its hour.
        await using var c = new NpgsqlCommand($"""
            INSERT INTO {_usage} AS t (key_id, span, start, code, count)
            SELECT u.key_id, s.span, CASE s.span WHEN 60 THEN @minute ELSE @hour END, u.code, u.count
            FROM unnest(@ids, @codes, @counts) AS u(key_id, code, count) CROSS JOIN (VALUES (60), (3600)) AS s(span)
            ON CONFLICT (key_id, span, start, code) DO UPDATE SET count = t.count + excluded.count;
            """, connection);
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("minute", NpgsqlDbType.TimestampTz) { TypedValue = KeyUsageTime.Floor(minute, KeyUsageSpan.Minute) });
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("hour", NpgsqlDbType.TimestampTz) { TypedValue = KeyUsageTime.Floor(minute, KeyUsageSpan.Hour) });
        c.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. counts.Select(n => n.KeyId)] });
        c.Parameters.Add(new NpgsqlParameter<string[]>("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. counts.Select(n => n.Code)] });
        c.Parameters.Add(new NpgsqlParameter<long[]>("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. counts.Select(n => n.Count)] });
        return await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public Task<IReadOnlyList<KeyUsageBucket>> ReadAsync(string keyId, KeyUsageSpan span, DateTimeOffset from, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        await using var c = new NpgsqlCommand($"SELECT start, code, count FROM {_usage} WHERE key_id = @key AND span = @span AND start >= @from ORDER BY start, code;", connection);
        c.Parameters.Add(Text("key", keyId));
        c.Parameters.Add(new NpgsqlParameter<int>("span", NpgsqlDbType.Integer) { TypedValue = (int)span });
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", NpgsqlDbType.TimestampTz) { TypedValue = from.ToUniversalTime() });
        await using var r = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buckets = new List<KeyUsageBucket>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            buckets.Add(new KeyUsageBucket(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetInt64(2)));
        return (IReadOnlyList<KeyUsageBucket>)buckets;
    }, cancellationToken);

    public Task<int> PurgeAsync(KeyUsageSpan span, DateTimeOffset before, int batch, CancellationToken cancellationToken = default) => Run(async connection =>
    {
        await using var c = new NpgsqlCommand($"DELETE FROM {_usage} WHERE ctid IN (SELECT ctid FROM {_usage} WHERE span = @span AND start < @before LIMIT @batch);", connection);
        c.Parameters.Add(new NpgsqlParameter<int>("span", NpgsqlDbType.Integer) { TypedValue = (int)span });
        c.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", NpgsqlDbType.TimestampTz) { TypedValue = before.ToUniversalTime() });
        c.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = batch });
        return await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private async Task<T> Run<T>(Func<NpgsqlConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            await _keys.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false); // the tables are migration 3
            await using var connection = await _keys.Connections.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await action(connection).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new KeyStoreUnavailableException($"The PostgreSQL activity tables failed ({ex.SqlState}: {ex.MessageText}).", ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or IOException or TimeoutException)
        {
            throw new KeyStoreUnavailableException($"The PostgreSQL activity tables cannot be reached ({ex.Message}).", ex);
        }
    }
}
