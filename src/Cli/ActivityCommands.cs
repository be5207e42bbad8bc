using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Declarative.Auth.PostgreSql;
using Declarative.Auth.Sqlite;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Cli;

/// <summary>
/// <c>keys audit</c> and <c>keys usage</c>: read the audit log and the usage counts the app (and this tool) wrote to
/// the store's own tables; and the audit log this tool's own operations are recorded in, as <c>cli:&lt;user&gt;</c>.
/// </summary>
internal sealed class ActivityCommands(CliContext context)
{
    private static readonly JsonSerializerOptions Json = new(ManagementJsonContext.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Who the audit log names for this run: the OS user, as the environment tells it.</summary>
    public string Actor => "cli:" + (context.Variable("USER") ?? context.Variable("USERNAME") ?? Environment.UserName);

    /// <summary>The audit log in the tables next to <paramref name="store"/>'s keys.</summary>
    public KeyAuditLog AuditOf(IApiKeyStore store)
    {
        var log = new KeyAuditLog(ActivityOf(store).Audit, context.Time, Options.Create(new DeclarativeAuthOptions()));
        context.Audits.Add(log);
        return log;
    }

    private static (IKeyAuditStore Audit, IKeyUsageStore Usage) ActivityOf(IApiKeyStore store) => store switch
    {
        SqliteApiKeyStore sqlite => Both(new SqliteKeyActivityStore(sqlite)),
        PostgreSqlApiKeyStore postgres => Both(new PostgreSqlKeyActivityStore(postgres)),
        _ => throw CliException.Failed("this store keeps no audit log."),
    };

    private static (IKeyAuditStore, IKeyUsageStore) Both<T>(T store) where T : IKeyAuditStore, IKeyUsageStore => (store, store);

    public Command Audit(StoreOptions store, Func<StoreTarget, IApiKeyStore> open, Func<Func<Task<object?>>, StoreTarget, Task<object?>> operation)
    {
        var command = new Command("audit",
            "Shows the audit log, newest first: who created, rotated, revoked or expired which key and what changed, and refused management calls. Never a secret.");
        var id = new Argument<string>("id") { Description = "Only this key's entries.", Arity = ArgumentArity.ZeroOrOne };
        var since = new Option<string>("--since") { HelpName = "when", Description = "Only entries at or after: an ISO date like 2026-11-30, or a span back from now like 24h, 7d." };
        var limit = new Option<int>("--limit") { HelpName = "n", Description = $"At most this many entries (1 to {KeyActivityEndpoints.MaxLimit}). Default: {KeyActivityEndpoints.DefaultLimit}.", DefaultValueFactory = _ => KeyActivityEndpoints.DefaultLimit };
        var json = new Option<bool>("--json") { Description = "Print a JSON array for scripts instead of a table." };
        command.Arguments.Add(id);
        command.Options.Add(since);
        command.Options.Add(limit);
        command.Options.Add(json);
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var now = context.Time.GetUtcNow();
            var from = Since(parse.GetValue(since), now);
            var max = parse.GetValue(limit);
            if (max < 1 || max > KeyActivityEndpoints.MaxLimit)
                throw CliException.Usage($"--limit must be from 1 to {KeyActivityEndpoints.MaxLimit}; got {max}.");
            var keyId = parse.GetValue(id)?.Trim();
            var target = store.Resolve(parse, context.Variable);
            var keys = open(target);
            var entries = (IReadOnlyList<KeyAuditEntry>)(await operation(async () =>
            {
                if (keyId is not null && await keys.GetAsync(keyId, ct).ConfigureAwait(false) is null)
                    throw new ApiKeyOperationException("NOT_FOUND", $"No key with id '{keyId}'.");
                return await ActivityOf(keys).Audit.ReadAsync(keyId, from, null, max, ct).ConfigureAwait(false);
            }, target).ConfigureAwait(false))!;
            if (parse.GetValue(json))
                context.Out.WriteLine(JsonSerializer.Serialize(entries, Json.GetTypeInfo(typeof(IReadOnlyList<KeyAuditEntry>))));
            else if (entries.Count == 0)
                context.Out.WriteLine(keyId is null ? $"No audit entries in {target}{(from is null ? "" : " since " + TimeInput.Show(from))}." : $"No audit entries for key {keyId}.");
            else
                ActivityOutput.WriteAudit(context.Out, entries);
            return ExitCodes.Ok;
        });
        return command;
    }

    public Command Usage(StoreOptions store, Func<StoreTarget, IApiKeyStore> open, Func<Func<Task<object?>>, StoreTarget, Task<object?>> operation)
    {
        var command = new Command("usage",
            "Shows a key's requests and refusals (by code) per minute over the last 24 hours, or per hour (--span hour). The app writes them in batches, every few seconds.");
        var id = new Argument<string>("id") { Description = "The key's id, e.g. key_0123456789abcdef0123." };
        var span = new Option<string>("--span") { HelpName = "minute|hour", Description = "Buckets of a minute (default, up to 24 hours back) or an hour (up to 90 days back)." };
        var hours = new Option<int?>("--hours") { HelpName = "n", Description = "How far back. Default: 24 for minutes, 168 (a week) for hours." };
        var json = new Option<bool>("--json") { Description = "Print JSON (as GET /auth/keys/{id}/usage answers) instead of a table." };
        command.Arguments.Add(id);
        command.Options.Add(span);
        command.Options.Add(hours);
        command.Options.Add(json);
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = parse.GetValue(id)?.Trim() ?? "";
            var size = parse.GetValue(span) switch
            {
                null or "minute" => KeyUsageSpan.Minute,
                "hour" => KeyUsageSpan.Hour,
                var other => throw CliException.Usage($"--span '{other}' is not a bucket size: write --span minute or --span hour."),
            };
            var maxHours = size == KeyUsageSpan.Minute ? 24 : 24 * 90;
            var back = parse.GetValue(hours) ?? (size == KeyUsageSpan.Minute ? 24 : 24 * 7);
            if (back < 1 || back > maxHours)
                throw CliException.Usage($"--hours must be from 1 to {maxHours} with --span {(size == KeyUsageSpan.Minute ? "minute" : "hour")}; got {back}.");
            var now = context.Time.GetUtcNow();
            var to = KeyUsageTime.Floor(now, size).AddSeconds((int)size);
            var from = to - TimeSpan.FromHours(back);
            var target = store.Resolve(parse, context.Variable);
            var keys = open(target);
            ApiKey? key = null;
            var buckets = (IReadOnlyList<KeyUsageBucket>)(await operation(async () =>
            {
                key = await keys.GetAsync(keyId, ct).ConfigureAwait(false) ?? throw new ApiKeyOperationException("NOT_FOUND", $"No key with id '{keyId}'.");
                return await ActivityOf(keys).Usage.ReadAsync(keyId, size, from, ct).ConfigureAwait(false);
            }, target).ConfigureAwait(false))!;
            var view = KeyUsageView.Of(keyId, size, from, to, buckets);
            if (parse.GetValue(json))
                context.Out.WriteLine(JsonSerializer.Serialize(view, Json.GetTypeInfo(typeof(KeyUsageView))));
            else
                ActivityOutput.WriteUsage(context.Out, key!, view, back);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DateTimeOffset? Since(string? text, DateTimeOffset now)
    {
        if (text is null)
            return null;
        if (TimeInput.TryParseSpan(text, out var back))
            return now - back;
        return TimeInput.TryParseTime(text, now, out var at)
            ? at
            : throw CliException.Usage($"--since '{text}' is not a time: write an ISO date like 2026-11-30 or 2026-11-30T08:00:00Z, or a span back from now like 24h or 7d.");
    }
}
