namespace Declarative.Auth.Cli.Tests;

public sealed class KeyCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    [Fact]
    public async Task Create_prints_a_secret_in_the_app_format_once_with_the_warning_and_stores_only_its_hash()
    {
        var run = await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix,
            "--name", "monitoring", "-p", "read:events", "-p", "write:incidents", "--workspace", "ws_1", "--expires", "30d");

        var secret = run.Out.Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Single(t => t.StartsWith("clitest_test_", StringComparison.Ordinal) && !t.EndsWith('…'));
        Assert.Equal(KeyFormatError.None, _cli.Format.Check(secret));
        Assert.Equal(1, Count(run.Out, secret));
        Assert.Contains("Copy the key now: it will not be shown again.", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Error);

        var stored = await _cli.Store().FindAsync(KeyHash.Compute(secret));
        Assert.NotNull(stored);
        Assert.Contains(stored.Id, run.Out, StringComparison.Ordinal);
        Assert.Equal("monitoring", stored.Name);
        Assert.Equal(["read:events", "write:incidents"], stored.Permissions);
        Assert.Equal(KeyEnvironment.Test, stored.Environment);
        Assert.Equal("ws_1", stored.Workspace);
        Assert.InRange(stored.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(30).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30));
        Assert.DoesNotContain(secret, _cli.AllStoredBytes(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_json_gives_scripts_the_id_and_secret()
    {
        var run = await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix, "--env", "live",
            "--name", "ci", "--permission", "admin", "--json", "--expires", "2099-01-31");
        var json = run.Json;
        var secret = json.GetProperty("secret").GetString()!;
        Assert.StartsWith("clitest_live_", secret, StringComparison.Ordinal);
        Assert.Equal(KeyFormatError.None, new ApiKeyFormat(CliHarness.Prefix, KeyEnvironment.Live).Check(secret));
        // The HTTP management API's JSON conventions: enums as their names, times as System.Text.Json writes them.
        Assert.Equal("Live", json.GetProperty("environment").GetString());
        Assert.Equal("Standard", json.GetProperty("kind").GetString());
        Assert.Equal("2099-01-31T00:00:00+00:00", json.GetProperty("expiresAt").GetString());
        var stored = await _cli.Store().GetAsync(json.GetProperty("id").GetString()!);
        Assert.Equal(KeyHash.Compute(secret), stored!.Hash);
    }

    [Fact]
    public async Task Event_write_keys_are_tied_to_their_source_connection()
    {
        var json = (await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix, "-n", "web-events", "--event-write", "src_web", "--json")).Json;
        Assert.Equal("EventWrite", json.GetProperty("kind").GetString());
        var stored = (await _cli.Store().GetAsync(json.GetProperty("id").GetString()!))!;
        Assert.Equal(ApiKeyKind.EventWrite, stored.Kind);
        Assert.Equal("src_web", stored.SourceConnection);
        var details = await _cli.OkAsync("keys", "get", stored.Id, "--sqlite", _cli.Db);
        Assert.Contains("src_web", details.Out, StringComparison.Ordinal);
        var list = await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db);
        Assert.Contains("event-write(src_web)", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permissions_may_be_repeated_or_comma_separated()
    {
        var (id, _) = await _cli.CreateAsync("p", "-p", "write:events,delete:events");
        Assert.Equal(["delete:events", "read:events", "write:events"], (await _cli.Store().GetAsync(id))!.Permissions);
    }

    [Fact]
    public async Task The_prefix_comes_from_the_environment_when_not_given_else_dauth()
    {
        var first = (await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "-n", "a", "-p", "admin", "--json")).Json;
        Assert.StartsWith("dauth_test_", first.GetProperty("secret").GetString(), StringComparison.Ordinal);

        _cli.Environment["DECLARATIVE_AUTH_KEY_PREFIX"] = "fromenv";
        var second = await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "-n", "b", "-p", "admin", "--json");
        Assert.StartsWith("fromenv_test_", second.Json.GetProperty("secret").GetString(), StringComparison.Ordinal);
        // Different from the store's other keys: the tool warns, since the app accepts only one prefix.
        Assert.Contains("warning", second.Error, StringComparison.Ordinal);
        Assert.Contains("--prefix dauth", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_can_come_from_the_environment()
    {
        var (id, _) = await _cli.CreateAsync();
        _cli.Environment["DECLARATIVE_AUTH_SQLITE"] = _cli.Db;
        var run = await _cli.OkAsync("keys", "list");
        Assert.Contains(id, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_every_key_with_its_status_and_never_a_secret()
    {
        var (active, activeSecret) = await _cli.CreateAsync("active-one");
        var (revoked, revokedSecret) = await _cli.CreateAsync("revoked-one");
        var (expired, _) = await _cli.CreateAsync("expired-one");
        await _cli.OkAsync("keys", "revoke", revoked, "--sqlite", _cli.Db);
        await _cli.OkAsync("keys", "expire", expired, "--sqlite", _cli.Db);

        var table = await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db);
        var lines = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        foreach (var column in new[] { "ID", "NAME", "KEY", "PERMISSIONS", "ENV", "WORKSPACE", "OWNER", "CREATED", "LAST USED", "EXPIRES", "STATUS" })
            Assert.Contains(column, lines[0], StringComparison.Ordinal);
        string Row(string id) => lines.Single(l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.EndsWith("active", Row(active).TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("revoked", Row(revoked).TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("expired", Row(expired).TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("active-one", Row(active), StringComparison.Ordinal);
        Assert.Contains(activeSecret[..("clitest_test_".Length + 4)] + "…", Row(active), StringComparison.Ordinal); // the display part only
        Assert.Contains("read:events", Row(active), StringComparison.Ordinal);
        Assert.DoesNotContain(activeSecret, table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(revokedSecret, table.Out, StringComparison.Ordinal);

        var json = await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db, "--json");
        var keys = json.Json.EnumerateArray().ToArray();
        Assert.Equal(3, keys.Length);
        // Listed by creation time, then id: keys made within the same millisecond (as here) come in id order.
        var status = keys.ToDictionary(k => k.GetProperty("id").GetString()!, k => k.GetProperty("status").GetString());
        Assert.Equal("active", status[active]);
        Assert.Equal("revoked", status[revoked]);
        Assert.Equal("expired", status[expired]);
        Assert.All(keys, k => Assert.False(k.TryGetProperty("secret", out _) || k.TryGetProperty("hash", out _)));
        Assert.DoesNotContain(activeSecret, json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_of_an_empty_store_says_how_to_create_a_key()
    {
        _ = _cli.Store(); // an existing, empty file
        var run = await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db);
        Assert.Contains("No keys", run.Out, StringComparison.Ordinal);
        Assert.Contains("keys create", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_shows_one_key_without_its_secret()
    {
        var (id, secret) = await _cli.CreateAsync();
        var run = await _cli.OkAsync("keys", "get", id, "--sqlite", _cli.Db);
        Assert.Contains(id, run.Out, StringComparison.Ordinal);
        Assert.Contains("deploy-bot", run.Out, StringComparison.Ordinal);
        Assert.Contains("status:", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Out, StringComparison.Ordinal);
        var json = (await _cli.OkAsync("keys", "get", id, "--sqlite", _cli.Db, "--json")).Json;
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.False(json.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Revoke_sets_the_revocation_time_and_revoking_again_keeps_it()
    {
        var (id, _) = await _cli.CreateAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var run = await _cli.OkAsync("keys", "revoke", id, "--sqlite", _cli.Db);
        Assert.Contains("KEY_REVOKED", run.Out, StringComparison.Ordinal);
        var revokedAt = (await _cli.Store().GetAsync(id))!.RevokedAt;
        Assert.NotNull(revokedAt);
        Assert.InRange(revokedAt.Value, before, DateTimeOffset.UtcNow);

        var again = await _cli.OkAsync("keys", "revoke", id, "--sqlite", _cli.Db);
        Assert.Contains("already revoked", again.Out, StringComparison.Ordinal);
        Assert.Equal(revokedAt, (await _cli.Store().GetAsync(id))!.RevokedAt);
    }

    [Fact]
    public async Task Rotate_revokes_the_old_key_at_once_and_prints_the_new_secret_once()
    {
        var (oldId, oldSecret) = await _cli.CreateAsync("rotating", "--expires", "2099-01-01");
        var run = await _cli.OkAsync("keys", "rotate", oldId, "--sqlite", _cli.Db);
        var store = _cli.Store();

        var secret = run.Out.Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Single(t => t.StartsWith("clitest_test_", StringComparison.Ordinal) && !t.EndsWith('…'));
        Assert.Equal(KeyFormatError.None, _cli.Format.Check(secret)); // the old key's prefix, without --prefix
        Assert.Contains("Copy the key now: it will not be shown again.", run.Out, StringComparison.Ordinal);
        var replacement = await store.FindAsync(KeyHash.Compute(secret));
        Assert.NotNull(replacement);
        Assert.Equal(oldId, replacement.RotatedFromId);
        Assert.Equal("rotating", replacement.Name);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), replacement.ExpiresAt);
        var old = await store.FindAsync(KeyHash.Compute(oldSecret));
        Assert.True(old!.IsRevoked(DateTimeOffset.UtcNow));
        Assert.Contains("refused from now on", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_with_grace_keeps_the_old_key_working_until_the_grace_ends()
    {
        var (oldId, _) = await _cli.CreateAsync();
        var before = DateTimeOffset.UtcNow;
        var run = await _cli.OkAsync("keys", "rotate", oldId, "--grace", "10m", "--expires", "7d", "--sqlite", _cli.Db, "--json");
        var json = run.Json;
        var newId = json.GetProperty("id").GetString()!;
        Assert.Equal(oldId, json.GetProperty("replacedId").GetString());

        var store = _cli.Store();
        var old = (await store.GetAsync(oldId))!;
        Assert.InRange(old.RevokedAt!.Value, before.AddMinutes(10).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.False(old.IsRevoked(DateTimeOffset.UtcNow));
        Assert.True(old.IsRevoked(DateTimeOffset.UtcNow.AddMinutes(11)));
        var replacement = (await store.GetAsync(newId))!;
        Assert.InRange(replacement.ExpiresAt!.Value, before.AddDays(7).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(7));
        Assert.Equal(KeyHash.Compute(json.GetProperty("secret").GetString()!), replacement.Hash);

        var list = await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db);
        Assert.Contains("active (revoked at", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_refuses_a_different_environment_than_the_old_key()
    {
        var (oldId, _) = await _cli.CreateAsync();
        var run = await _cli.RunAsync("keys", "rotate", oldId, "--env", "live", "--sqlite", _cli.Db);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--env test", run.Error, StringComparison.Ordinal);
        Assert.Null((await _cli.Store().GetAsync(oldId))!.RevokedAt);
    }

    [Fact]
    public async Task Rotating_a_revoked_key_fails_with_exit_1()
    {
        var (id, _) = await _cli.CreateAsync();
        await _cli.OkAsync("keys", "revoke", id, "--sqlite", _cli.Db);
        var run = await _cli.RunAsync("keys", "rotate", id, "--sqlite", _cli.Db);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("revoked", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Expire_sets_the_expiry_now_or_at_the_given_time()
    {
        var (id, _) = await _cli.CreateAsync();
        var later = await _cli.OkAsync("keys", "expire", id, "--at", "2098-06-30T12:00:00Z", "--sqlite", _cli.Db);
        Assert.Contains("2098-06-30 12:00Z", later.Out, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2098, 6, 30, 12, 0, 0, TimeSpan.Zero), (await _cli.Store().GetAsync(id))!.ExpiresAt);

        var now = await _cli.OkAsync("keys", "expire", id, "--sqlite", _cli.Db);
        Assert.Contains("KEY_EXPIRED", now.Out, StringComparison.Ordinal);
        Assert.True((await _cli.Store().GetAsync(id))!.IsExpired(DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("revoke")]
    [InlineData("rotate")]
    [InlineData("expire")]
    public async Task An_unknown_id_fails_with_exit_1_and_points_to_list(string verb)
    {
        _ = _cli.Store();
        var run = await _cli.RunAsync("keys", verb, "key_doesnotexist", "--sqlite", _cli.Db);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("key_doesnotexist", line, StringComparison.Ordinal);
        Assert.Contains("keys list", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_store_file_fails_with_exit_1_and_is_not_created()
    {
        var missing = Path.Combine(_cli.Folder, "typo.db");
        var run = await _cli.RunAsync("keys", "list", "--sqlite", missing);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no key store at", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task A_file_that_is_not_a_key_store_fails_with_exit_1_and_a_clear_message()
    {
        await File.WriteAllTextAsync(_cli.Db, "this is not a database, just some text that is long enough to be read as a header");
        var run = await _cli.RunAsync("keys", "list", "--sqlite", _cli.Db);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot open the SQLite key store", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys create --sqlite {db} -p read:events", "--name <name>")]
    [InlineData("keys create --sqlite {db} -n bot", "--permission read:<scope>")]
    [InlineData("keys create --sqlite {db} -n bot -p events", "write read:<scope>")]
    [InlineData("keys create --sqlite {db} -n bot -p read:Events", "write read:<scope>")]
    [InlineData("keys create --sqlite {db} -n bot -p read:events --expires tomorrow", "ISO date like 2027-01-31")]
    [InlineData("keys create --sqlite {db} -n bot -p read:events --expires 2020-01-01", "in the past")]
    [InlineData("keys create --sqlite {db} -n bot -p read:events --env prod", "--env live")]
    [InlineData("keys create --sqlite {db} -n bot -p read:events --prefix Sample1", "--prefix sample")]
    [InlineData("keys create -n bot -p read:events", "add --sqlite <file>")]
    [InlineData("keys list", "add --sqlite <file>")]
    [InlineData("keys list --sqlite {db} --postgres Host=localhost", "keep only the one the app uses")]
    [InlineData("keys list --sqlite {db} --postgres-schema auth", "goes with --postgres")]
    [InlineData("keys list --postgres Host=localhost --postgres-schema Bad-Name", "--postgres-schema auth")]
    [InlineData("keys list --sqlite {db} --bogus", "See 'declarative-auth keys list --help'")]
    [InlineData("keys get --sqlite {db}", "write 'declarative-auth keys get <id>'")]
    [InlineData("keys revoke", "write 'declarative-auth keys revoke <id>'")]
    [InlineData("keys rotate key_x --grace soon --sqlite {db}", "a span like 10m")]
    [InlineData("keys rotate key_x --grace 8d --sqlite {db}", "at most 7d")]
    [InlineData("keys expire key_x --at someday --sqlite {db}", "ISO date")]
    [InlineData("keys frobnicate", "See 'declarative-auth keys --help'")]
    [InlineData("keys", "name a verb")]
    [InlineData("", "name a command")]
    public async Task Bad_arguments_exit_2_with_one_line_that_says_what_to_write(string commandLine, string hint)
    {
        _ = _cli.Store();
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Replace("{db}", _cli.Db, StringComparison.Ordinal)).ToArray();
        var run = await _cli.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("declarative-auth: error: ", line, StringComparison.Ordinal);
        Assert.Contains(hint, line, StringComparison.Ordinal);
        Assert.Empty(await _cli.Store().ListAsync()); // nothing was created
    }

    [Fact]
    public async Task An_unreachable_PostgreSQL_server_fails_with_exit_1_without_echoing_the_password()
    {
        var run = await _cli.RunAsync("keys", "list", "--postgres", "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=hunter2;Timeout=2");
        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unavailable", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=localhost;Bogus=1")]
    [InlineData("Database=app")]
    public async Task A_bad_PostgreSQL_connection_string_is_a_usage_error(string connectionString)
    {
        var run = await _cli.RunAsync("keys", "list", "--postgres", connectionString + ";Password=hunter2");
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Host=db;Database=app", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "keys")]
    [InlineData("keys", "create")]
    [InlineData("keys create", "--name", "--permission", "--expires", "--workspace", "--event-write", "--prefix", "--env", "--json", "Copy it then")]
    [InlineData("keys list", "--json", "status")]
    [InlineData("keys get", "<id>", "--json")]
    [InlineData("keys revoke", "<id>", "KEY_REVOKED")]
    [InlineData("keys rotate", "<id>", "--grace", "--expires", "--prefix", "--env", "--json")]
    [InlineData("keys expire", "<id>", "--at", "KEY_EXPIRED")]
    public async Task Help_on_every_verb_exits_0_and_describes_its_options(string commandLine, params string[] mentions)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var run = await _cli.RunAsync([.. commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), flag]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("", run.Error);
            Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
            Assert.Contains("declarative-auth " + commandLine, run.Out, StringComparison.Ordinal);
            foreach (var mention in mentions)
                Assert.Contains(mention, run.Out, StringComparison.Ordinal);
            if (commandLine.StartsWith("keys ", StringComparison.Ordinal))
            {
                Assert.Contains("--sqlite", run.Out, StringComparison.Ordinal);
                Assert.Contains("--postgres", run.Out, StringComparison.Ordinal);
                Assert.Contains("--postgres-schema", run.Out, StringComparison.Ordinal);
            }
        }
    }

    // ---- issue 15.5 / 16.11 / 16.14 ---------------------------------------------------------------------

    [Fact]
    public async Task An_owner_is_set_with_owner_and_shown_by_list_and_get()
    {
        var created = (await _cli.OkAsync("keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix,
            "--name", "alice-laptop", "-p", "read:events", "--owner", "user_alice", "--json")).Json;
        Assert.Equal("user_alice", created.GetProperty("owner").GetString());
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("user_alice", (await _cli.Store().GetAsync(id))!.Owner);

        Assert.Contains("user_alice", (await _cli.OkAsync("keys", "list", "--sqlite", _cli.Db)).Out, StringComparison.Ordinal);
        Assert.Contains("owner:", (await _cli.OkAsync("keys", "get", id, "--sqlite", _cli.Db)).Out, StringComparison.Ordinal);
        Assert.Equal("user_alice", (await _cli.OkAsync("keys", "get", id, "--sqlite", _cli.Db, "--json")).Json.GetProperty("owner").GetString());
    }

    [Theory]
    [InlineData("--name", "admin\u202Egpj.exe", "name contains U+202E")]
    [InlineData("--workspace", "ws_\u202Ea", "workspace contains U+202E")]
    [InlineData("--owner", "user\u2067x", "owner contains U+2067")]
    [InlineData("--event-write", "src\u202Eweb", "sourceConnection contains U+202E")]
    public async Task Control_and_bidi_characters_are_refused_with_a_usage_error(string option, string value, string expected)
    {
        string[] args = ["keys", "create", "--sqlite", _cli.Db, "--prefix", CliHarness.Prefix, "-p", "read:events"];
        args = option == "--name" ? [.. args, option, value] : [.. args, "--name", "x", option, value];
        var run = await _cli.RunAsync(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Empty(await _cli.Store().ListAsync());
    }
}
