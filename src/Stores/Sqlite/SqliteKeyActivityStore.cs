using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// The audit log and usage counts in the key file, in tables of their own (<c>api_key_audit</c>, <c>api_key_usage</c>,
/// the file's migration 3 in <see cref="SqliteSchema"/>, applied when the key store opens the file). Times are Unix milliseconds, as in <c>api_keys</c>. Usage rows are added to (upsert), so several
/// processes on one file sum up.
/// </summary>
internal sealed class SqliteKeyActivityStore(SqliteApiKeyStore keys) : IKeyAuditStore, IKeyUsageStore
{

    /// <summary>Makes the audit log and usage counts of <c>UseSqliteStore</c> live in its file.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteKeyActivityStore(sp.GetRequiredService<SqliteApiKeyStore>()));
        services.RemoveAll<IKeyAuditStore>();
        services.RemoveAll<IKeyUsageStore>();
        services.AddSingleton<IKeyAuditStore>(sp => sp.GetRequiredService<SqliteKeyActivityStore>());
        services.AddSingleton<IKeyUsageStore>(sp => sp.GetRequiredService<SqliteKeyActivityStore>());
    }

    public Task AppendAsync(KeyAuditEntry entry, CancellationToken cancellationToken = default) => Run(connection =>
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var c = connection.CreateCommand();
        c.CommandText = "INSERT INTO api_key_audit (at, actor, action, key_id, change, workspace) VALUES ($at, $actor, $action, $key, $change, $ws);";
        c.Parameters.AddWithValue("$at", entry.At.ToUnixTimeMilliseconds());
        c.Parameters.AddWithValue("$actor", entry.Actor);
        c.Parameters.AddWithValue("$action", entry.Action);
        c.Parameters.AddWithValue("$key", (object?)entry.KeyId ?? DBNull.Value);
        c.Parameters.AddWithValue("$change", entry.Change);
        c.Parameters.AddWithValue("$ws", (object?)entry.Workspace ?? DBNull.Value);
        return c.ExecuteNonQuery();
    });

    public Task<IReadOnlyList<KeyAuditEntry>> ReadAsync(string? keyId, DateTimeOffset? since, string? workspace, int limit, CancellationToken cancellationToken = default) => Run(connection =>
    {
        using var c = connection.CreateCommand();
        c.CommandText = """
            SELECT at, actor, action, key_id, change, workspace FROM api_key_audit
            WHERE ($key IS NULL OR key_id = $key) AND ($since IS NULL OR at >= $since) AND ($ws IS NULL OR workspace = $ws)
            ORDER BY at DESC, seq DESC LIMIT $limit;
            """;
        c.Parameters.AddWithValue("$key", (object?)keyId ?? DBNull.Value);
        c.Parameters.AddWithValue("$since", since is { } s ? s.ToUnixTimeMilliseconds() : DBNull.Value);
        c.Parameters.AddWithValue("$ws", (object?)workspace ?? DBNull.Value);
        c.Parameters.AddWithValue("$limit", limit);
        using var r = c.ExecuteReader();
        var entries = new List<KeyAuditEntry>();
        while (r.Read())
        {
            entries.Add(new KeyAuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        }
        return (IReadOnlyList<KeyAuditEntry>)entries;
    });

    public Task<int> PurgeAsync(DateTimeOffset before, int batch, CancellationToken cancellationToken = default) => Run(connection =>
    {
        using var c = connection.CreateCommand();
        c.CommandText = "DELETE FROM api_key_audit WHERE seq IN (SELECT seq FROM api_key_audit WHERE at < $before ORDER BY at LIMIT $batch);";
        c.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        c.Parameters.AddWithValue("$batch", batch);
        return c.ExecuteNonQuery();
    });

    public Task AddAsync(DateTimeOffset minute, IReadOnlyList<KeyUsageCount> counts, CancellationToken cancellationToken = default) => Run(connection =>
    {
        ArgumentNullException.ThrowIfNull(counts);
        using var tx = connection.BeginTransaction();
        using var c = connection.CreateCommand();
        c.Transaction = tx;
        c.CommandText = """
            INSERT INTO api_key_usage (key_id, span, start, code, count) VALUES ($key, $span, $start, $code, $count)
            ON CONFLICT (key_id, span, start, code) DO UPDATE SET count = count + excluded.count;
            """;
        var key = c.Parameters.Add("$key", SqliteType.Text);
        var span = c.Parameters.Add("$span", SqliteType.Integer);
        var start = c.Parameters.Add("$start", SqliteType.Integer);
        var code = c.Parameters.Add("$code", SqliteType.Text);
        var count = c.Parameters.Add("$count", SqliteType.Integer);
        foreach (var s in (ReadOnlySpan<KeyUsageSpan>)[KeyUsageSpan.Minute, KeyUsageSpan.Hour])
        {
            span.Value = (int)s;
            start.Value = KeyUsageTime.Floor(minute, s).ToUnixTimeMilliseconds();
            foreach (var n in counts)
            {
                key.Value = n.KeyId;
                code.Value = n.Code;
                count.Value = n.Count;
                c.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return 0;
    });

    public Task<IReadOnlyList<KeyUsageBucket>> ReadAsync(string keyId, KeyUsageSpan span, DateTimeOffset from, CancellationToken cancellationToken = default) => Run(connection =>
    {
        using var c = connection.CreateCommand();
        c.CommandText = "SELECT start, code, count FROM api_key_usage WHERE key_id = $key AND span = $span AND start >= $from ORDER BY start, code;";
        c.Parameters.AddWithValue("$key", keyId);
        c.Parameters.AddWithValue("$span", (int)span);
        c.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        using var r = c.ExecuteReader();
        var buckets = new List<KeyUsageBucket>();
        while (r.Read())
            buckets.Add(new KeyUsageBucket(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetInt64(2)));
        return (IReadOnlyList<KeyUsageBucket>)buckets;
    });

    public Task<int> PurgeAsync(KeyUsageSpan span, DateTimeOffset before, int batch, CancellationToken cancellationToken = default) => Run(connection =>
    {
        using var c = connection.CreateCommand();
        c.CommandText = "DELETE FROM api_key_usage WHERE rowid IN (SELECT rowid FROM api_key_usage WHERE span = $span AND start < $before LIMIT $batch);";
        c.Parameters.AddWithValue("$span", (int)span);
        c.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        c.Parameters.AddWithValue("$batch", batch);
        return c.ExecuteNonQuery();
    });

    // Like the key store: a locked, unreadable or missing file is "unavailable", never an empty log.
    private Task<T> Run<T>(Func<SqliteConnection, T> action)
    {
        try
        {
            using var connection = keys.Open();
            return Task.FromResult(action(connection));
        }
        catch (SqliteException ex)
        {
            return Task.FromException<T>(new KeyStoreUnavailableException($"The SQLite activity tables failed (SQLite error {ex.SqliteErrorCode}).", ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DbException or KeyStoreUnavailableException)
        {
            return Task.FromException<T>(ex as KeyStoreUnavailableException ?? new KeyStoreUnavailableException("The SQLite activity tables cannot be read.", ex));
        }
    }
}
