using System.Text;
using Npgsql;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// Creates and upgrades the schema: numbered scripts, each applied once, all in one transaction that first takes
/// a transaction-scoped advisory lock, so instances starting together migrate one after the other.
/// </summary>
internal static class PostgreSqlSchema
{
    // "DAUT": the advisory lock's class id; the object id is a hash of the schema name.
    private const int LockClass = 0x44415554;

    // Append only: a shipped script is never edited, a change is a new version. {s} is the quoted schema.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE {s}.api_keys (
            id                text        NOT NULL PRIMARY KEY,
            name              text        NOT NULL,
            hash              bytea       NOT NULL UNIQUE,
            display_part      text        NOT NULL,
            permissions       text[]      NOT NULL,
            environment       integer     NOT NULL,
            kind              integer     NOT NULL,
            workspace         text        NULL,
            source_connection text        NULL,
            rotated_from_id   text        NULL,
            created_at        timestamptz NOT NULL,
            expires_at        timestamptz NULL,
            revoked_at        timestamptz NULL,
            last_used_at      timestamptz NULL
        );
        """,
        // 2: the subject a key acts for (ApiKey.Owner).
        """
        ALTER TABLE {s}.api_keys ADD COLUMN owner text NULL;
        """,
        // 3: the audit log and usage counts (PostgreSqlKeyActivityStore). IF NOT EXISTS: versions before this one
        // created them on first use, and their rows stay.
        """
        CREATE TABLE IF NOT EXISTS {s}.api_key_audit (
            seq       bigserial   PRIMARY KEY,
            at        timestamptz NOT NULL,
            actor     text        NOT NULL,
            action    text        NOT NULL,
            key_id    text        NULL,
            change    text        NOT NULL,
            workspace text        NULL
        );
        CREATE INDEX IF NOT EXISTS api_key_audit_key ON {s}.api_key_audit (key_id, at);
        CREATE INDEX IF NOT EXISTS api_key_audit_at ON {s}.api_key_audit (at);
        CREATE TABLE IF NOT EXISTS {s}.api_key_usage (
            key_id text        NOT NULL,
            span   integer     NOT NULL,
            start  timestamptz NOT NULL,
            code   text        NOT NULL,
            count  bigint      NOT NULL,
            PRIMARY KEY (key_id, span, start, code)
        );
        CREATE INDEX IF NOT EXISTS api_key_usage_start ON {s}.api_key_usage (span, start);
        """,
        // 4: leases on shared rate limits (PostgreSqlSharedRateLimitStore). The per-instance counts that versions
        // before this one created on first use held only the current minute's counts, of a protocol that is gone.
        """
        DROP TABLE IF EXISTS {s}.rate_limit_counts;
        DROP TABLE IF EXISTS {s}.rate_limit_counts_instances;
        CREATE TABLE {s}.rate_limit_leases (
            partition      text   NOT NULL,
            window_seconds bigint NOT NULL,
            window_start   bigint NOT NULL,
            reserved       bigint NOT NULL,
            PRIMARY KEY (partition, window_seconds, window_start)
        );
        CREATE TABLE {s}.rate_limit_instances (
            instance text   NOT NULL PRIMARY KEY,
            seen_at  bigint NOT NULL
        );
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>The schema name as a SQL identifier.</summary>
    public static string Quote(string schema) => "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static async Task ApplyAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var s = Quote(schema);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@class, @object);", cancellationToken,
            ("class", LockClass), ("object", LockObject(schema))).ConfigureAwait(false);
        // Only DDL that is needed: an app whose role may not create anything still starts on a migrated database.
        bool exists;
        await using (var probe = new NpgsqlCommand(
            "SELECT to_regnamespace(@quoted) IS NOT NULL, to_regclass(@table) IS NOT NULL;", connection, tx))
        {
            probe.Parameters.AddWithValue("quoted", s);
            probe.Parameters.AddWithValue("table", s + ".declarative_auth_schema");
            await using var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var schemaExists = reader.GetBoolean(0);
            exists = reader.GetBoolean(1);
            await reader.CloseAsync().ConfigureAwait(false);
            if (!schemaExists)
                await ExecuteAsync(connection, tx, $"CREATE SCHEMA {s};", cancellationToken).ConfigureAwait(false);
        }
        if (!exists)
        {
            await ExecuteAsync(connection, tx,
                $"""
                CREATE TABLE {s}.declarative_auth_schema (
                    version    integer     NOT NULL PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {s}.declarative_auth_schema;", connection, tx))
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The key database schema \"{schema}\" is at version {current}, newer than this version of Declarative.Auth.PostgreSql understands ({Migrations.Length}). Upgrade the package.");
        }
        for (var v = current; v < Migrations.Length; v++)
        {
            await ExecuteAsync(connection, tx,
                Migrations[v].Replace("{s}", s, StringComparison.Ordinal) + $"\nINSERT INTO {s}.declarative_auth_schema (version) VALUES ({v + 1});",
                cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // FNV-1a: stable across processes and runtimes (string.GetHashCode is not).
    private static int LockObject(string schema)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(schema))
            hash = (hash ^ b) * 16777619u;
        return unchecked((int)hash);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
