using System.CommandLine;
using System.CommandLine.Help;

namespace Declarative.Auth.Cli;

/// <summary>The command tree and what each verb does.</summary>
internal sealed class KeyCommands(CliContext context)
{
    public const string PrefixVariable = "DECLARATIVE_AUTH_KEY_PREFIX";
    private const string DefaultPrefix = "dauth";

    private readonly Dictionary<Command, string> _paths = [];
    private readonly ActivityCommands _activity = new(context);

    public string PathOf(Command command) => _paths.TryGetValue(command, out var path) ? path : CliApp.Name;

    public Command BuildRoot()
    {
        // A plain command named like the installed tool: RootCommand would be named after the running
        // executable (the dll, or a test host), and help would show that name.
        var root = new Command(CliApp.Name,
            "Manages Declarative.Auth API keys in an app's SQLite file or PostgreSQL database: create, list, get, revoke, rotate, expire. "
            + "A secret is shown once, when it is created or rotated; the store keeps only its SHA-256.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        _paths[root] = CliApp.Name;
        var keys = new Command("keys", "Create, list, inspect, revoke, rotate and expire API keys.");
        root.Subcommands.Add(keys);
        _paths[keys] = $"{CliApp.Name} keys";
        root.SetAction(_ => context.Fail(ExitCodes.Usage, $"name a command, e.g. '{CliApp.Name} keys list --sqlite keys.db'. See '{CliApp.Name} --help'."));
        keys.SetAction(_ => context.Fail(ExitCodes.Usage, $"name a verb: create, list, get, revoke, rotate, expire, explain, audit or usage, e.g. '{CliApp.Name} keys list --sqlite keys.db'. See '{CliApp.Name} keys --help'."));

        foreach (var verb in new[] { Create(), List(), Get(), Revoke(), Rotate(), Expire(), Explain(), Audit(), Usage() })
        {
            keys.Subcommands.Add(verb);
            _paths[verb] = $"{CliApp.Name} keys {verb.Name}";
        }
        var diff = new DiffCommand(context).Build();
        root.Subcommands.Add(diff);
        _paths[diff] = $"{CliApp.Name} diff";
        return root;
    }

    private Command Explain()
    {
        var command = new Command("explain", "Lists every endpoint a key reaches (its blast radius), from the app's permission table (--table).");
        var id = IdArgument();
        var store = new StoreOptions();
        var reach = new ReachOptions();
        command.Arguments.Add(id);
        store.AddTo(command);
        reach.AddTo(command, withFor: false);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = RequireId(parse.GetValue(id));
            var table = reach.Table(parse, required: true)!;
            var target = store.Resolve(parse, context.Variable);
            var service = Service(OpenStore(target, mayCreate: false), DefaultFormat);
            var key = await Operation(() => service.GetAsync(keyId, ct), target).ConfigureAwait(false) ?? throw NotFound(keyId);
            ReachOptions.WriteReach(context.Out, table, key);
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- create ---------------------------------------------------------------------------------------

    private Command Create()
    {
        var command = new Command("create",
            "Creates a key and prints its secret once. Copy it then: only its hash is stored. "
            + "The app accepts the key only if --prefix and --env match its DeclarativeAuth KeyPrefix and KeyEnvironment.");
        var name = new Option<string>("--name", "-n")
        {
            HelpName = "name",
            Description = "(required) A name people recognise, e.g. monitoring-service.",
        };
        var permissions = new Option<string[]>("--permission", "-p")
        {
            HelpName = "permission",
            Description = "(required, repeatable) What the key may do: read:<scope>, write:<scope> (implies read), delete:<scope>, or admin. "
                + "e.g. -p read:events -p write:incidents.",
            Arity = ArgumentArity.OneOrMore,
        };
        var expires = ExpiresOption("When the key stops working: " + TimeInput.DateExamples + ". Default: never.");
        var workspace = new Option<string>("--workspace", "-w")
        {
            HelpName = "id",
            Description = "Restricts the key to one workspace: it works there only, with no workspace header needed.",
        };
        var owner = new Option<string>("--owner")
        {
            HelpName = "subject",
            Description = "The user id (subject) the key acts for, e.g. the account that asked for it; the app sees it as the caller's name identifier.",
        };
        var eventWrite = new Option<string>("--event-write")
        {
            HelpName = "source-connection",
            Description = "Makes an event write key for that source connection instead: accepted only by event-ingestion endpoints "
                + "(AcceptEventWriteKeys()), refused everywhere else. --permission is optional then.",
        };
        var store = new StoreOptions();
        var format = new FormatOptions();
        var reach = new ReachOptions();
        var json = JsonOption("Print {\"id\":…,\"secret\":…,…} for scripts instead of text.");
        command.Options.Add(name);
        command.Options.Add(permissions);
        command.Options.Add(expires);
        command.Options.Add(workspace);
        command.Options.Add(owner);
        command.Options.Add(eventWrite);
        reach.AddTo(command, withFor: true);
        format.AddTo(command);
        store.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            var keyName = parse.GetValue(name);
            if (string.IsNullOrWhiteSpace(keyName))
                throw CliException.Usage("a key needs a name: add --name <name>, e.g. --name monitoring-service.");
            var granted = reach.Permissions(parse, SplitPermissions(parse.GetValue(permissions)));
            var source = parse.GetValue(eventWrite);
            if (source is not null && string.IsNullOrWhiteSpace(source))
                throw CliException.Usage("--event-write needs the source connection the key belongs to, e.g. --event-write src_web.");
            if (granted.Length == 0 && source is null)
                throw CliException.Usage("a key needs at least one permission: add --permission read:<scope> (repeatable), e.g. -p read:events, or -p admin.");
            foreach (var p in granted)
            {
                if (!PermissionName.TryParse(p, out _, out _))
                    throw CliException.Usage($"--permission '{p}' is not a permission: write read:<scope>, write:<scope>, delete:<scope> or admin (scopes are lowercase, e.g. read:events).");
            }
            var now = context.Time.GetUtcNow();
            var expiresAt = ParseTime(parse.GetValue(expires), "--expires", now);
            if (expiresAt is { } e && e <= now)
                throw CliException.Usage($"--expires {TimeInput.Iso(e)} is in the past: give a future date, e.g. --expires 30d.");
            var keyFormat = format.Resolve(parse, context);
            var target = store.Resolve(parse, context.Variable);
            var keyStore = OpenStore(target, mayCreate: true);
            var service = Service(keyStore, keyFormat);

            var created = await Operation(() => service.CreateAsync(new CreateApiKeyRequest
            {
                Name = keyName,
                Permissions = granted,
                ExpiresAt = expiresAt,
                Workspace = parse.GetValue(workspace),
                Kind = source is null ? ApiKeyKind.Standard : ApiKeyKind.EventWrite,
                SourceConnection = source,
                Owner = parse.GetValue(owner),
            }, ct), target).ConfigureAwait(false);

            await WarnIfFormatDiffersAsync(keyStore, created.Key, keyFormat, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
                KeyOutput.WriteCreatedJson(context.Out, created, replaced: null);
            else
                KeyOutput.WriteCreated(context.Out, created, $"Created key {created.Key.Id} ({created.Key.Name}) in {target}.");
            if (reach.Table(parse, required: false) is { } table)
            {
                var output = parse.GetValue(json) ? context.Error : context.Out;
                output.WriteLine();
                ReachOptions.WriteReach(output, table, created.Key);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    // An app accepts one prefix and environment; a key made with the defaults for an app with its own prefix
    // would be refused with 401, so say so while the user is still at the terminal.
    private async Task WarnIfFormatDiffersAsync(IApiKeyStore store, ApiKey created, ApiKeyFormat format, CancellationToken ct)
    {
        var head = HeadOf(created.DisplayPart);
        IReadOnlyList<ApiKey> all;
        try
        {
            all = await store.ListAsync(ct).ConfigureAwait(false);
        }
        catch (KeyStoreUnavailableException)
        {
            return;
        }
        var others = all.Where(k => k.Id != created.Id && HeadOf(k.DisplayPart) is { Length: > 0 }).Select(k => HeadOf(k.DisplayPart)).ToArray();
        if (others.Length == 0 || others.Contains(head, StringComparer.Ordinal))
            return;
        var common = others.GroupBy(h => h, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().Key;
        var parts = common.Split('_');
        context.Error.WriteLine(
            $"{CliApp.Name}: warning: this key starts with '{head}' but the other keys in this store start with '{common}'. "
            + $"An app accepts only its own prefix and environment; if the app's are those, create the key with --prefix {parts[0]} --env {parts[1]} (format used: {format.Prefix}, {ApiKeyFormat.EnvironmentName(format.Environment)}).");
    }

    // ---- list / get -----------------------------------------------------------------------------------

    private Command List()
    {
        var command = new Command("list",
            "Lists every key: id, name, display part, permissions, environment, workspace, created, last used, expiry and status. Never a secret or hash.");
        var store = new StoreOptions();
        var json = JsonOption("Print a JSON array for scripts instead of a table.");
        store.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var target = store.Resolve(parse, context.Variable);
            var service = Service(OpenStore(target, mayCreate: false), DefaultFormat);
            var keys = await Operation(() => service.ListAsync(ct), target).ConfigureAwait(false);
            var now = context.Time.GetUtcNow();
            if (parse.GetValue(json))
                KeyOutput.WriteListJson(context.Out, keys, now);
            else if (keys.Count == 0)
                context.Out.WriteLine($"No keys in {target}. Create one with '{CliApp.Name} keys create --name <name> --permission <permission>'.");
            else
                KeyOutput.WriteTable(context.Out, keys, now);
            return ExitCodes.Ok;
        });
        return command;
    }

    private Command Get()
    {
        var command = new Command("get", "Shows one key's details (never its secret).");
        var id = IdArgument();
        var store = new StoreOptions();
        var json = JsonOption("Print JSON for scripts instead of text.");
        command.Arguments.Add(id);
        store.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = RequireId(parse.GetValue(id));
            var target = store.Resolve(parse, context.Variable);
            var service = Service(OpenStore(target, mayCreate: false), DefaultFormat);
            var key = await Operation(() => service.GetAsync(keyId, ct), target).ConfigureAwait(false)
                ?? throw NotFound(keyId);
            var now = context.Time.GetUtcNow();
            if (parse.GetValue(json))
                KeyOutput.WriteKeyJson(context.Out, key, now);
            else
                KeyOutput.WriteDetails(context.Out, key, now);
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- revoke / expire ------------------------------------------------------------------------------

    private Command Revoke()
    {
        var command = new Command("revoke",
            "Revokes a key: apps refuse it with 401 KEY_REVOKED from now on (apps on the same store notice within a second). Cannot be undone.");
        var id = IdArgument();
        var store = new StoreOptions();
        command.Arguments.Add(id);
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = RequireId(parse.GetValue(id));
            var target = store.Resolve(parse, context.Variable);
            var service = Service(OpenStore(target, mayCreate: false), DefaultFormat);
            var before = await Operation(() => service.GetAsync(keyId, ct), target).ConfigureAwait(false) ?? throw NotFound(keyId);
            var now = context.Time.GetUtcNow();
            if (before.IsRevoked(now))
            {
                context.Out.WriteLine($"Key {before.Id} ({before.Name}) was already revoked at {TimeInput.Show(before.RevokedAt)}.");
                return ExitCodes.Ok;
            }
            var revoked = await Operation(() => service.RevokeAsync(keyId, ct), target).ConfigureAwait(false);
            context.Out.WriteLine($"Revoked key {revoked.Id} ({revoked.Name}) at {TimeInput.Show(revoked.RevokedAt)}: it is refused with 401 KEY_REVOKED.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private Command Expire()
    {
        var command = new Command("expire",
            "Sets when a key stops working (now by default): after that apps refuse it with 401 KEY_EXPIRED. Also moves an expiry later.");
        var id = IdArgument();
        var at = new Option<string>("--at")
        {
            HelpName = "when",
            Description = "When it expires: now, " + TimeInput.DateExamples + ". Default: now.",
        };
        var store = new StoreOptions();
        command.Arguments.Add(id);
        command.Options.Add(at);
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = RequireId(parse.GetValue(id));
            var now = context.Time.GetUtcNow();
            var when = ParseTime(parse.GetValue(at), "--at", now) ?? now;
            var target = store.Resolve(parse, context.Variable);
            var service = Service(OpenStore(target, mayCreate: false), DefaultFormat);
            var key = await Operation(() => service.ExpireAsync(keyId, when, ct), target).ConfigureAwait(false);
            context.Out.WriteLine(when <= now
                ? $"Key {key.Id} ({key.Name}) expired at {TimeInput.Show(when)}: it is refused with 401 KEY_EXPIRED."
                : $"Key {key.Id} ({key.Name}) now expires at {TimeInput.Show(when)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- rotate ---------------------------------------------------------------------------------------

    private Command Rotate()
    {
        var command = new Command("rotate",
            "Replaces a key's secret: prints the new secret once; the new key keeps the name, permissions and workspace. "
            + "The old key is refused at once, or after --grace (never after its own expiry).");
        var id = IdArgument();
        var grace = new Option<string>("--grace")
        {
            HelpName = "span",
            Description = "How long the old key keeps working, so callers can switch: " + TimeInput.SpanExamples + ", at most 7d. Default: 0 (refused at once).",
        };
        var expires = ExpiresOption("When the new key stops working: " + TimeInput.DateExamples + ". Default: the old key's expiry.");
        var store = new StoreOptions();
        var format = new FormatOptions();
        var json = JsonOption("Print {\"id\":…,\"secret\":…,…} for scripts instead of text.");
        command.Arguments.Add(id);
        command.Options.Add(grace);
        command.Options.Add(expires);
        format.AddTo(command, forRotate: true);
        store.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var keyId = RequireId(parse.GetValue(id));
            var now = context.Time.GetUtcNow();
            var graceText = parse.GetValue(grace);
            var graceSpan = TimeSpan.Zero;
            if (graceText is not null && !TimeInput.TryParseSpan(graceText, out graceSpan))
                throw CliException.Usage($"--grace '{graceText}' is not a duration: write {TimeInput.SpanExamples}.");
            if (graceSpan < TimeSpan.Zero || graceSpan > TimeSpan.FromDays(7))
                throw CliException.Usage($"--grace {graceText} is too long: at most 7d.");
            var expiresAt = ParseTime(parse.GetValue(expires), "--expires", now);
            if (expiresAt is { } e && e <= now)
                throw CliException.Usage($"--expires {TimeInput.Iso(e)} is in the past: give a future date, e.g. --expires 30d.");
            var target = store.Resolve(parse, context.Variable);
            var keyStore = OpenStore(target, mayCreate: false);
            var old = await Operation(() => keyStore.GetAsync(keyId, ct), target).ConfigureAwait(false) ?? throw NotFound(keyId);
            var keyFormat = format.ResolveForRotation(parse, context, old);
            var service = Service(keyStore, keyFormat);
            var created = await Operation(() => service.RotateAsync(keyId, graceSpan, expiresAt, ct), target).ConfigureAwait(false);
            var oldAfter = await Operation(() => keyStore.GetAsync(keyId, ct), target).ConfigureAwait(false);
            var oldEnds = oldAfter?.RevokedAt ?? now;
            if (parse.GetValue(json))
            {
                KeyOutput.WriteCreatedJson(context.Out, created, (keyId, oldEnds));
            }
            else
            {
                var oldFate = oldEnds <= context.Time.GetUtcNow()
                    ? $"The old key {keyId} is refused from now on."
                    : $"The old key {keyId} keeps working until {TimeInput.Show(oldEnds)}, then is refused.";
                KeyOutput.WriteCreated(context.Out, created, $"Rotated key {keyId} ({created.Key.Name}): the new key is {created.Key.Id}. {oldFate}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- shared pieces --------------------------------------------------------------------------------

    // Every operation is recorded in the store's audit log as cli:<user>.
    private ApiKeyService Service(IApiKeyStore store, ApiKeyFormat format)
        => new ApiKeyService(store, format, context.Time) { Audit = _activity.AuditOf(store) }.As(_activity.Actor);

    private Command Audit() => _activity.Audit(new StoreOptions(), t => OpenStore(t, mayCreate: false), Operation);

    private Command Usage() => _activity.Usage(new StoreOptions(), t => OpenStore(t, mayCreate: false), Operation);

    private IApiKeyStore OpenStore(StoreTarget target, bool mayCreate)
    {
        var store = KeyStores.Open(target, mayCreate);
        context.Track(store);
        return store;
    }

    // list/get/revoke/expire never generate a key, so the format is irrelevant to them.
    private static readonly ApiKeyFormat DefaultFormat = new(DefaultPrefix, KeyEnvironment.Test);

    private static Argument<string> IdArgument() => new("id")
    {
        Description = "The key's id, e.g. key_0123456789abcdef0123 (see 'keys list').",
    };

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    private static Option<string> ExpiresOption(string description) => new("--expires")
    {
        HelpName = "when",
        Description = description,
    };

    private static string RequireId(string? id)
        => string.IsNullOrWhiteSpace(id)
            ? throw CliException.Usage($"give the key's id, e.g. key_0123456789abcdef0123; '{CliApp.Name} keys list' shows them.")
            : id.Trim();

    private static DateTimeOffset? ParseTime(string? text, string option, DateTimeOffset now)
    {
        if (text is null)
            return null;
        return TimeInput.TryParseTime(text, now, out var value)
            ? value
            : throw CliException.Usage($"{option} '{text}' is not a date: write {TimeInput.DateExamples}.");
    }

    private static string[] SplitPermissions(string[]? values)
        => (values ?? []).SelectMany(v => v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    internal static string HeadOf(string displayPart)
    {
        var last = displayPart.LastIndexOf('_');
        return last < 0 ? "" : displayPart[..(last + 1)];
    }

    private static CliException NotFound(string id)
        => CliException.Failed($"no key with id '{id}'. '{CliApp.Name} keys list' shows the ids.");

    // The store and the service speak in exceptions; the tool speaks in one line and an exit code.
    private static async Task<T> Operation<T>(Func<Task<T>> action, StoreTarget target)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ApiKeyOperationException ex) when (ex.Code == "NOT_FOUND")
        {
            throw CliException.Failed($"{ex.Message.TrimEnd('.')}. '{CliApp.Name} keys list' shows the ids.");
        }
        catch (ApiKeyOperationException ex) when (ex.Code == "INVALID_REQUEST")
        {
            throw CliException.Usage(ex.Message);
        }
        catch (ApiKeyOperationException ex)
        {
            throw CliException.Failed(ex.Message);
        }
        catch (KeyStoreUnavailableException ex)
        {
            var inner = ex.InnerException is { } i ? $" ({KeyStores.OneLine(i.Message)})" : "";
            throw CliException.Failed($"the key store ({target}) is unavailable: {KeyStores.OneLine(ex.Message)}{inner} Check the path or connection string, and that no other process holds a lock on it.");
        }
        catch (InvalidOperationException ex)
        {
            throw CliException.Failed(KeyStores.OneLine(ex.Message));
        }
    }
}
