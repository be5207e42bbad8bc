using System.CommandLine;
using Declarative.Auth.PostgreSql;
using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Cli;

/// <summary>The <c>--sqlite</c> / <c>--postgres</c> pair every verb takes, and opening the store they name.</summary>
internal sealed class StoreOptions
{
    public const string SqliteVariable = "DECLARATIVE_AUTH_SQLITE";
    public const string PostgresVariable = "DECLARATIVE_AUTH_POSTGRES";

    public Option<string> Sqlite { get; } = new("--sqlite")
    {
        HelpName = "file",
        Description = $"The app's SQLite key file (what it passes to UseSqliteStore). Default: ${SqliteVariable}.",
    };

    public Option<string> Postgres { get; } = new("--postgres")
    {
        HelpName = "connection-string",
        Description = $"The app's PostgreSQL connection string, e.g. \"Host=db;Database=app;Username=app;Password=…\". Default: ${PostgresVariable}.",
    };

    public Option<string> PostgresSchema { get; } = new("--postgres-schema")
    {
        HelpName = "name",
        Description = "With --postgres: the schema holding the key tables, if the app sets PostgreSqlStoreOptions.Schema. Default: public.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Sqlite);
        command.Options.Add(Postgres);
        command.Options.Add(PostgresSchema);
    }

    /// <summary>The store the command line (or else the environment) names; exactly one.</summary>
    public StoreTarget Resolve(ParseResult parse, Func<string, string?> environment)
    {
        var sqlite = parse.GetValue(Sqlite);
        var postgres = parse.GetValue(Postgres);
        var fromCommandLine = sqlite is not null || postgres is not null;
        if (!fromCommandLine)
        {
            sqlite = NullIfBlank(environment(SqliteVariable));
            postgres = NullIfBlank(environment(PostgresVariable));
        }
        var schema = parse.GetValue(PostgresSchema);
        if (schema is not null && postgres is null)
            throw CliException.Usage("--postgres-schema goes with --postgres <connection string>; drop it for a SQLite store.");
        var source = fromCommandLine ? "on the command line" : $"in the environment (${SqliteVariable} and ${PostgresVariable})";
        return (sqlite, postgres) switch
        {
            (null, null) => throw CliException.Usage(
                $"no key store given: add --sqlite <file> (e.g. --sqlite keys.db) or --postgres <connection string>, or set ${SqliteVariable} / ${PostgresVariable}."),
            ({ }, { }) => throw CliException.Usage($"both --sqlite and --postgres are given {source}: keep only the one the app uses."),
            ({ } s, null) when string.IsNullOrWhiteSpace(s) => throw CliException.Usage("--sqlite needs a file path, e.g. --sqlite keys.db."),
            (null, { } p) when string.IsNullOrWhiteSpace(p) => throw CliException.Usage("--postgres needs a connection string, e.g. --postgres \"Host=localhost;Database=app;Username=app\"."),
            ({ } s, null) => new StoreTarget(StoreKind.Sqlite, s),
            _ => new StoreTarget(StoreKind.Postgres, postgres!, schema),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

internal enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Which store, and where. <see cref="ToString"/> never shows a password.</summary>
internal sealed record StoreTarget(StoreKind Kind, string Value, string? Schema = null)
{
    public override string ToString() => Kind == StoreKind.Sqlite ? $"SQLite file '{SqliteFile(Value)}'" : PostgresDescription(Value);

    private static string PostgresDescription(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}";
        }
        catch (ArgumentException)
        {
            return "the PostgreSQL database";
        }
    }

    internal static string SqliteFile(string pathOrConnectionString)
    {
        if (!pathOrConnectionString.Contains('='))
            return pathOrConnectionString;
        try
        {
            return new SqliteConnectionStringBuilder(pathOrConnectionString).DataSource;
        }
        catch (ArgumentException)
        {
            return pathOrConnectionString;
        }
    }
}

/// <summary>Opens stores for the CLI, turning every failure into a one-line message.</summary>
internal static class KeyStores
{
    /// <param name="target">The store.</param>
    /// <param name="mayCreate">True for <c>keys create</c>: a missing SQLite file is created (the first key of a new app).</param>
    public static IApiKeyStore Open(StoreTarget target, bool mayCreate) => target.Kind switch
    {
        StoreKind.Sqlite => OpenSqlite(target, mayCreate),
        _ => OpenPostgres(target),
    };

    private static SqliteApiKeyStore OpenSqlite(StoreTarget target, bool mayCreate)
    {
        string file;
        try
        {
            file = StoreTarget.SqliteFile(target.Value);
        }
        catch (ArgumentException ex)
        {
            throw CliException.Usage($"--sqlite: '{target.Value}' is neither a file path nor a valid SQLite connection string ({ex.Message}).");
        }
        var isFile = file.Length > 0 && !file.StartsWith(':') && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        if (isFile && Directory.Exists(file))
            throw CliException.Usage($"--sqlite '{file}' is a folder; give the key file itself, e.g. --sqlite {Path.Combine(file, "keys.db")}.");
        if (isFile && !mayCreate && !File.Exists(file))
        {
            throw CliException.Failed(
                $"there is no key store at '{Path.GetFullPath(file)}'. Give the file the app uses (UseSqliteStore's path, relative to its content root), or create a first key with 'declarative-auth keys create'.");
        }
        if (isFile && mayCreate && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder && !Directory.Exists(folder))
            throw CliException.Failed($"the folder '{folder}' does not exist; create it first or choose another --sqlite path.");
        try
        {
            return new SqliteApiKeyStore(target.Value);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or KeyStoreUnavailableException or InvalidOperationException or ArgumentException)
        {
            throw CliException.Failed($"cannot open the SQLite key store '{file}': {OneLine(ex.Message)}");
        }
    }

    // The connection string is checked here (a usage error); reaching the server is the first operation's job,
    // which reports an unreachable one as "unavailable" (exit 1). The password is never echoed.
    private static PostgreSqlApiKeyStore OpenPostgres(StoreTarget target)
    {
        try
        {
            var options = new PostgreSqlStoreOptions();
            if (target.Schema is { } schema)
                options.Schema = schema;
            return new PostgreSqlApiKeyStore(target.Value, options);
        }
        catch (ArgumentException ex) when (ex.ParamName == nameof(PostgreSqlStoreOptions.Schema))
        {
            throw CliException.Usage($"--postgres-schema '{target.Schema}' is not a schema name: use the app's PostgreSqlStoreOptions.Schema, lowercase letters, digits or underscores, e.g. --postgres-schema auth.");
        }
        catch (ArgumentException ex)
        {
            throw CliException.Usage($"--postgres: {OneLine(WithoutParameter(ex))} Write a connection string like \"Host=db;Database=app;Username=app;Password=…\".");
        }
    }

    private static string WithoutParameter(ArgumentException ex)
        => ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
