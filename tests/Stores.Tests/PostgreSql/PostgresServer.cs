using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Declarative.Auth.Stores.Tests.PostgreSql;

/// <summary>
/// Where the PostgreSQL binaries are, and whether the PostgreSQL tests run: they run when <c>initdb</c> and
/// <c>pg_ctl</c> are found; otherwise they are skipped with the reason, except under <c>CI=true</c>, where they
/// run and fail (CI installs PostgreSQL; a missing one must not pass silently).
/// </summary>
internal static class PostgresAvailability
{
    private static readonly Lazy<string?> Bin = new(FindBin);

    /// <summary>The folder holding initdb and pg_ctl, or null.</summary>
    public static string? BinDirectory => Bin.Value;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string NotInstalled =
        "PostgreSQL is not installed (no initdb/pg_ctl in $DECLARATIVE_AUTH_PG_BIN, /usr/lib/postgresql/*/bin or on PATH); install it (apt-get install postgresql) to run the PostgreSQL store tests. Under CI=true these tests fail instead of skipping.";

    /// <summary>Why PostgreSQL tests are skipped, or null when they run.</summary>
    public static string? SkipReason => BinDirectory is null && !IsCi ? NotInstalled : null;

    /// <summary>Names the folder of initdb and pg_ctl when they are elsewhere; then only it is searched.</summary>
    public const string BinVariable = "DECLARATIVE_AUTH_PG_BIN";

    private static string? FindBin()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
            return Has(configured) ? configured : null;
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(Has);
    }

    private static bool Has(string directory) => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
}

/// <summary>A fact that is skipped, with the reason, when PostgreSQL is not installed (never under CI=true).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresAvailability.SkipReason is { } reason)
            Skip = reason;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)] // timing promises (1 s revocation) are measured alone
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A throw-away PostgreSQL server for the test run: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a
/// free loopback port with trust authentication, stopped and deleted on dispose. Started on first use, so skipped
/// tests never touch it. As root (initdb refuses root) the binaries run as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _root;
    private string? _connectionString;
    private int _databases;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Connection string of the server's <c>postgres</c> database, starting the server if needed.</summary>
    public async Task<string> GetConnectionStringAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _connectionString ??= await StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var admin = await GetConnectionStringAsync();
        var name = $"dauth_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static bool AsRoot => Environment.UserName == "root";

    private async Task<string> StartAsync()
    {
        var bin = PostgresAvailability.BinDirectory
            ?? throw new InvalidOperationException(PostgresAvailability.NotInstalled);
        _root = Directory.CreateTempSubdirectory("dauth-pg-").FullName;
        var data = Path.Combine(_root, "data");
        var sockets = Path.Combine(_root, "sockets");
        Directory.CreateDirectory(sockets);
        if (AsRoot)
            await RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgres: false);

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);

        // A free port can be taken between probing and binding: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort();
            try
            {
                await RunAsync(Path.Combine(bin, "pg_ctl"),
                [
                    "-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
                    "-o", $"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                    "start",
                ]);
                // Should the test host die without disposing fixtures, do not leave a server running.
                AppDomain.CurrentDomain.ProcessExit += StopOnExit;
                return new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = "postgres",
                    Database = "postgres",
                    Timeout = 10,
                }.ConnectionString;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
            }
        }
        throw new InvalidOperationException("Could not start the test PostgreSQL server.", last);
    }

    /// <summary>Restarts the server (fast shutdown: sessions are terminated), same port and data.</summary>
    public async Task RestartAsync()
    {
        await GetConnectionStringAsync();
        await RunAsync(Path.Combine(PostgresAvailability.BinDirectory!, "pg_ctl"),
            ["-D", Path.Combine(_root!, "data"), "-l", Path.Combine(_root!, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"]);
        NpgsqlConnection.ClearAllPools(); // the tests' own pooled connections died too
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres = true)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && AsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file, .. args])
                start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = file;
            foreach (var a in args)
                start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private void StopOnExit(object? sender, EventArgs e)
    {
        if (_root is null || !Directory.Exists(_root) || PostgresAvailability.BinDirectory is not { } bin)
            return;
        try
        {
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"]).Wait(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is AggregateException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort while the process exits.
        }
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
            return;
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_root, "data");
        if (_connectionString is not null && PostgresAvailability.BinDirectory is { } bin)
        {
            try
            {
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed below either way.
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
