using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Cli.Tests;

/// <summary><c>keys audit</c> and <c>keys usage</c>, and the CLI's own operations in the audit log.</summary>
public sealed class ActivityCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public ActivityCommandTests() => _cli.Environment["USER"] = "ana";

    public void Dispose() => _cli.Dispose();

    private void Sql(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={_cli.Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Operations_made_with_the_cli_are_audited_as_the_os_user_and_never_show_a_secret()
    {
        var (id, secret) = await _cli.CreateAsync("deploy-bot");
        await _cli.OkAsync("keys", "expire", id, "--at", "2099-01-31", "--sqlite", _cli.Db);
        await _cli.OkAsync("keys", "revoke", id, "--sqlite", _cli.Db);

        var table = await _cli.OkAsync("keys", "audit", "--sqlite", _cli.Db);
        var json = (await _cli.OkAsync("keys", "audit", id, "--sqlite", _cli.Db, "--json")).Json;

        Assert.StartsWith("TIME (UTC)            ACTOR    ACTION  KEY", table.Out, StringComparison.Ordinal);
        Assert.Equal(["revoke", "expire", "create"], json.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.All(json.EnumerateArray(), e => Assert.Equal("cli:ana", e.GetProperty("actor").GetString()));
        Assert.Equal("expires: never → 2099-01-31T00:00:00Z", json[1].GetProperty("change").GetString());
        Assert.StartsWith("name: deploy-bot; permissions: read:events", json[2].GetProperty("change").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.Out + json.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(KeyHash.Compute(secret).ToHex(), table.Out + json.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Since_and_the_key_filter_narrow_the_log()
    {
        var (first, _) = await _cli.CreateAsync("first");
        await _cli.CreateAsync("second");

        var mine = (await _cli.OkAsync("keys", "audit", first, "--sqlite", _cli.Db, "--json")).Json;
        var future = await _cli.OkAsync("keys", "audit", "--since", "2099-01-01", "--sqlite", _cli.Db);
        var recent = (await _cli.OkAsync("keys", "audit", "--since", "1h", "--sqlite", _cli.Db, "--json")).Json;

        Assert.Equal(first, Assert.Single(mine.EnumerateArray()).GetProperty("keyId").GetString());
        Assert.StartsWith("No audit entries in SQLite file", future.Out, StringComparison.Ordinal);
        Assert.Equal(2, recent.GetArrayLength());
    }

    [Fact]
    public async Task Usage_prints_requests_and_refusals_per_minute_as_the_app_wrote_them()
    {
        var (id, _) = await _cli.CreateAsync("reader");
        var minute = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-5);
        await _cli.OkAsync("keys", "audit", "--sqlite", _cli.Db); // the activity tables exist once the tool touched them
        foreach (var (code, count) in new[] { ("", 12L), ("RATE_LIMITED", 2L) })
        {
            Sql("INSERT INTO api_key_usage (key_id, span, start, code, count) VALUES ($k, 60, $s, $c, $n)",
                ("$k", id), ("$s", minute.ToUnixTimeMilliseconds()), ("$c", code), ("$n", count));
        }

        var text = await _cli.OkAsync("keys", "usage", id, "--sqlite", _cli.Db);
        var json = (await _cli.OkAsync("keys", "usage", id, "--sqlite", _cli.Db, "--json")).Json;

        Assert.Contains($"Key {id} (reader): 12 requests in the last 24 hours, refused: RATE_LIMITED 2.", text.Out, StringComparison.Ordinal);
        Assert.Contains($"{minute.UtcDateTime:yyyy-MM-dd HH:mm}Z  12        RATE_LIMITED 2", text.Out, StringComparison.Ordinal);
        Assert.Equal(12, json.GetProperty("requests").GetInt64());
        Assert.Equal(2, json.GetProperty("refusals").GetProperty("RATE_LIMITED").GetInt64());
    }

    [Theory]
    [InlineData(2, "--span", "week")]
    [InlineData(2, "--hours", "25")]
    public async Task Bad_usage_options_are_usage_errors(int exit, string option, string value)
    {
        var (id, _) = await _cli.CreateAsync();

        var run = await _cli.RunAsync("keys", "usage", id, option, value, "--sqlite", _cli.Db);

        Assert.Equal(exit, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_keys_and_bad_limits_are_errors_not_empty_output()
    {
        await _cli.CreateAsync();

        var usage = await _cli.RunAsync("keys", "usage", "key_00000000000000000000", "--sqlite", _cli.Db);
        var audit = await _cli.RunAsync("keys", "audit", "key_00000000000000000000", "--sqlite", _cli.Db);
        var limit = await _cli.RunAsync("keys", "audit", "--limit", "0", "--sqlite", _cli.Db);

        Assert.Equal(1, usage.ExitCode);
        Assert.Contains("No key with id 'key_00000000000000000000'", usage.Error, StringComparison.Ordinal);
        Assert.Equal(1, audit.ExitCode);
        Assert.Equal(2, limit.ExitCode);
        Assert.Contains("--limit must be from 1 to 1000", limit.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_written_behind_the_apps_back_cannot_drive_the_terminal()
    {
        var (id, _) = await _cli.CreateAsync();
        Sql("INSERT INTO api_key_audit (at, actor, action, key_id, change) VALUES ($at, $actor, 'revoke', $key, $change)",
            ("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ("$actor", "cli:\u001b[2J\u001b[Hmallory"), ("$key", id),
            ("$change", "ok\r\n2026-01-01 00:00:00Z  cli:ana  revoke  key_fake"));

        var run = await _cli.OkAsync("keys", "audit", "--sqlite", _cli.Db);

        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Contains("cli:\uFFFD[2J\uFFFD[Hmallory", run.Out, StringComparison.Ordinal);
        Assert.Equal(3, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header, the forged row, create
    }
}
