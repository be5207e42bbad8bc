using System.CommandLine;

namespace Declarative.Auth.Cli;

/// <summary><c>--prefix</c> and <c>--env</c>: the format new secrets are made in, which must be the app's.</summary>
internal sealed class FormatOptions
{
    private const string DefaultPrefix = "dauth";

    public Option<string> Prefix { get; } = new("--prefix")
    {
        HelpName = "letters",
    };

    public Option<string> Environment { get; } = new("--env")
    {
        HelpName = "live|test",
    };

    public void AddTo(Command command, bool forRotate = false)
    {
        Prefix.Description = "The app's key prefix (its DeclarativeAuth:KeyPrefix), 2 to 16 lowercase letters, e.g. sample. Default: "
            + (forRotate ? "the old key's." : $"${KeyCommands.PrefixVariable}, else {DefaultPrefix}.");
        Environment.Description = "The app's key environment: live (an app in Production) or test (any other). Default: "
            + (forRotate ? "the old key's." : "test.");
        command.Options.Add(Prefix);
        command.Options.Add(Environment);
    }

    public ApiKeyFormat Resolve(ParseResult parse, CliContext context)
        => new(ReadPrefix(parse, context), ReadEnvironment(parse) ?? KeyEnvironment.Test);

    /// <summary>
    /// A rotated key must keep working where the old one did, so it keeps the old key's prefix and environment;
    /// naming different ones is refused rather than silently making a key the app would reject.
    /// </summary>
    public ApiKeyFormat ResolveForRotation(ParseResult parse, CliContext context, ApiKey old)
    {
        var head = KeyCommands.HeadOf(old.DisplayPart).Split('_', StringSplitOptions.RemoveEmptyEntries);
        var oldPrefix = head.Length == 2 && ApiKeyFormat.IsValidPrefix(head[0]) ? head[0] : null;
        var oldEnvironmentName = ApiKeyFormat.EnvironmentName(old.Environment);

        var explicitPrefix = parse.GetValue(Prefix);
        if (explicitPrefix is not null)
        {
            var prefix = ValidPrefix(explicitPrefix, "--prefix");
            if (oldPrefix is not null && prefix != oldPrefix)
                throw CliException.Usage($"key {old.Id} has prefix '{oldPrefix}' ({old.DisplayPart}); its replacement must too: drop --prefix or write --prefix {oldPrefix}.");
        }
        var explicitEnvironment = ReadEnvironment(parse);
        if (explicitEnvironment is { } env && env != old.Environment)
            throw CliException.Usage($"key {old.Id} is a {oldEnvironmentName} key; its replacement must be too: drop --env or write --env {oldEnvironmentName}.");

        var chosen = explicitPrefix ?? oldPrefix ?? ReadPrefix(parse, context);
        return new ApiKeyFormat(chosen, old.Environment);
    }

    private string ReadPrefix(ParseResult parse, CliContext context)
    {
        if (parse.GetValue(Prefix) is { } given)
            return ValidPrefix(given, "--prefix");
        if (context.Variable(KeyCommands.PrefixVariable) is { Length: > 0 } fromEnvironment)
            return ValidPrefix(fromEnvironment, "$" + KeyCommands.PrefixVariable);
        return DefaultPrefix;
    }

    private static string ValidPrefix(string value, string source)
        => ApiKeyFormat.IsValidPrefix(value)
            ? value
            : throw CliException.Usage($"{source} '{value}' is not a key prefix: use the app's DeclarativeAuth:KeyPrefix, 2 to 16 lowercase ASCII letters, e.g. --prefix sample.");

    private KeyEnvironment? ReadEnvironment(ParseResult parse)
    {
        var value = parse.GetValue(Environment);
        if (value is null)
            return null;
        return value.Trim().ToLowerInvariant() switch
        {
            "live" => KeyEnvironment.Live,
            "test" => KeyEnvironment.Test,
            _ => throw CliException.Usage($"--env '{value}' is not a key environment: write --env live (an app in Production) or --env test."),
        };
    }
}
