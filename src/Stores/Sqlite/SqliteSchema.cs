using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Sqlite;

/// <summary>Creates and upgrades the schema: numbered scripts, each applied once, in one transaction.</summary>
internal static class SqliteSchema
{
    // Append only: a shipped script is never edited, a change is a new version.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE api_keys (
            id                TEXT    NOT NULL PRIMARY KEY,
            name              TEXT    NOT NULL,
            hash              BLOB    NOT NULL UNIQUE,
            display_part      TEXT    NOT NULL,
            permissions       TEXT    NOT NULL,
            environment       INTEGER NOT NULL,
            kind              INTEGER NOT NULL,
            workspace         TEXT    NULL,
            source_connection TEXT    NULL,
            rotated_from_id   TEXT    NULL,
            created_at        INTEGER NOT NULL,
            expires_at        INTEGER NULL,
            revoked_at        INTEGER NULL,
            last_used_at      INTEGER NULL
        );
        CREATE TABLE api_key_changes (
            seq        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            key_id     TEXT    NOT NULL,
            changed_at INTEGER NOT NULL
        );
        """,
        // 2: the subject a key acts for (ApiKey.Owner).
        """
        ALTER TABLE api_keys ADD COLUMN owner TEXT NULL;
        """,
        // 3: the audit log and usage counts (SqliteKeyActivityStore). IF NOT EXISTS: versions before this one created
        // them on first use, and their rows stay.
        """
        CREATE TABLE IF NOT EXISTS api_key_audit (
            seq       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            at        INTEGER NOT NULL,
            actor     TEXT    NOT NULL,
            action    TEXT    NOT NULL,
            key_id    TEXT    NULL,
            change    TEXT    NOT NULL,
            workspace TEXT    NULL
        );
        CREATE INDEX IF NOT EXISTS api_key_audit_key ON api_key_audit (key_id, at);
        CREATE INDEX IF NOT EXISTS api_key_audit_at ON api_key_audit (at);
        CREATE TABLE IF NOT EXISTS api_key_usage (
            key_id TEXT    NOT NULL,
            span   INTEGER NOT NULL,
            start  INTEGER NOT NULL,
            code   TEXT    NOT NULL,
            count  INTEGER NOT NULL,
            PRIMARY KEY (key_id, span, start, code)
        );
        CREATE INDEX IF NOT EXISTS api_key_usage_start ON api_key_usage (span, start);
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    public static void Apply(SqliteConnection connection)
    {
        using (var wal = connection.CreateCommand())
        {
            // WAL lets readers (the verifier) run while a writer (the CLI) commits.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        using var tx = connection.BeginTransaction(System.Data.IsolationLevel.Serializable);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = tx;
            create.CommandText = "CREATE TABLE IF NOT EXISTS declarative_auth_schema (version INTEGER NOT NULL);";
            create.ExecuteNonQuery();
        }
        long current;
        using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM declarative_auth_schema;";
            current = (long)read.ExecuteScalar()!;
        }
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The key database is at schema version {current}, newer than this version of Declarative.Auth.Sqlite understands ({Migrations.Length}). Upgrade the package.");
        }
        for (var v = (int)current; v < Migrations.Length; v++)
        {
            using var migrate = connection.CreateCommand();
            migrate.Transaction = tx;
            migrate.CommandText = Migrations[v] + $"\nINSERT INTO declarative_auth_schema (version) VALUES ({v + 1});";
            migrate.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
