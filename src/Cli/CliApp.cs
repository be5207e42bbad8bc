using System.CommandLine;
using System.CommandLine.Help;

namespace Declarative.Auth.Cli;

/// <summary>
/// <c>declarative-auth</c>: manages an app's API keys in its SQLite file or PostgreSQL database through the
/// library's own <see cref="ApiKeyService"/>. Secrets are printed once, by <c>keys create</c> and
/// <c>keys rotate</c>, on stdout only; errors are one line on stderr, with exit code 2 for a wrong command
/// line and 1 for an operation that failed.
/// </summary>
public static class CliApp
{
    /// <summary>The command name, as installed by <c>dotnet tool install</c>.</summary>
    public const string Name = "declarative-auth";

    /// <summary>Runs the tool with the process's environment and clock.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
        => RunAsync(args, stdout, stderr, Environment.GetEnvironmentVariable, TimeProvider.System, cancellationToken);

    /// <summary>Runs the tool with the given environment variables and clock (for tests).</summary>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> environment,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(time);

        var context = new CliContext(stdout, stderr, environment, time);
        var commands = new KeyCommands(context);
        var root = commands.BuildRoot();
        try
        {
            var parse = root.Parse(args);
            if (parse.Action is not HelpAction && parse.Errors.Count > 0)
            {
                var command = parse.CommandResult.Command;
                var path = commands.PathOf(command);
                // Every verb's argument is a key id: say how to write it rather than "Required argument missing".
                if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is null or { Tokens.Count: 0 }) is { } missing)
                {
                    return context.Fail(ExitCodes.Usage,
                        $"missing <{missing.Name}>: write '{path} <{missing.Name}>', e.g. '{path} key_0123456789abcdef0123'; '{Name} keys list' shows the ids.");
                }
                return context.Fail(ExitCodes.Usage, $"{KeyStores.OneLine(parse.Errors[0].Message)} See '{path} --help'.");
            }
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return context.Fail(ex.ExitCode, ex.Message);
        }
        catch (OperationCanceledException)
        {
            return context.Fail(ExitCodes.Failed, "cancelled.");
        }
#pragma warning disable CA1031 // The tool's contract: one line on stderr, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return context.Fail(ExitCodes.Failed, $"unexpected {ex.GetType().Name}: {KeyStores.OneLine(ex.Message)}");
        }
        finally
        {
            await context.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Where a run writes, what it reads from the environment, and its clock.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Func<string, string?> environment, TimeProvider time) : IAsyncDisposable
{
    private readonly List<object> _opened = [];

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TimeProvider Time { get; } = time;

    public string? Variable(string name) => environment(name);

    /// <summary>The audit logs this run wrote to: an entry the store refused is retried once at the end, then reported.</summary>
    public List<KeyAuditLog> Audits { get; } = [];

    /// <summary>Closes <paramref name="resource"/> (a store's connection pool) when the run ends.</summary>
    public void Track(object resource) => _opened.Add(resource);

    public async ValueTask DisposeAsync()
    {
        foreach (var audit in Audits)
        {
            if (audit.PendingCount == 0)
                continue;
            await audit.RetryPendingAsync(CancellationToken.None).ConfigureAwait(false);
            if (audit.PendingCount > 0)
                Error.WriteLine($"{CliApp.Name}: warning: the operation was done, but {audit.PendingCount} audit entries could not be written to the store's audit log.");
        }
        foreach (var resource in _opened)
        {
            if (resource is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (resource is IDisposable disposable)
                disposable.Dispose();
        }
        _opened.Clear();
    }

    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"{CliApp.Name}: error: {message}");
        return exitCode;
    }
}
