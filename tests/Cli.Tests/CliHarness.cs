using System.Text.Json;
using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Cli.Tests;

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>A temp folder with a SQLite key file, and the tool run in-process against it.</summary>
public sealed class CliHarness : IDisposable
{
    public const string Prefix = "clitest";

    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-cli-").FullName;

    public CliHarness() => Db = Path.Combine(_dir, "keys.db");

    public string Db { get; }

    public string Folder => _dir;

    /// <summary>Environment variables the tool sees: none unless a test sets them (the real ones never leak in).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public SqliteApiKeyStore Store() => new(Db);

    public ApiKeyFormat Format => new(Prefix, KeyEnvironment.Test);

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, name => Environment.GetValueOrDefault(name), TimeProvider.System);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts success.</summary>
    public async Task<CliRun> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    /// <summary>Creates a key with <c>--json</c>; returns (id, secret).</summary>
    public async Task<(string Id, string Secret)> CreateAsync(string name = "deploy-bot", params string[] extra)
    {
        string[] args = ["keys", "create", "--sqlite", Db, "--prefix", Prefix, "--name", name, "--permission", "read:events", "--json", .. extra];
        var json = (await OkAsync(args)).Json;
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    /// <summary>Every byte under the temp folder (database, WAL, shared memory), as text.</summary>
    public string AllStoredBytes()
        => string.Concat(Directory.EnumerateFiles(_dir).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            return reader.ReadToEnd();
        }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A host still closing its connection; the OS temp cleaner gets it.
        }
    }
}
