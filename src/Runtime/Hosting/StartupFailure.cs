using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// A bad setting stops start-up with one line naming it and exit code 1, not an unhandled-exception stack trace
/// (exit 134). A library does not own the app's <c>Main</c>, so it watches for the one exception it means for the
/// operator: an <see cref="OptionsValidationException"/> of our own options escaping <c>Main</c>. Everything else
/// stays the runtime's business. <c>UseDeclarativeAuth()</c> validates before <c>app.Run()</c>, so the host has
/// not logged the failure with its stack trace either.
/// </summary>
internal static class StartupFailure
{
    internal const int ExitCode = 1;
    private static int _watching;

    public static void Watch()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0)
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    private static void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (OneLine(e.ExceptionObject as Exception) is not { } line)
            return;
        Console.Error.WriteLine(line);
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }

    /// <summary>The line to print for <paramref name="exception"/>, or null when it is not a bad setting of ours.</summary>
    internal static string? OneLine(Exception? exception)
    {
        IEnumerable<string>? failures = exception switch
        {
            OptionsValidationException o when IsOurs(o) => o.Failures,
            AggregateException a when a.InnerExceptions.Count > 0 && a.InnerExceptions.All(i => i is OptionsValidationException o && IsOurs(o))
                => a.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures),
            _ => null,
        };
        return failures is null ? null : "Declarative.Auth cannot start: " + string.Join(" ", failures.Select(f => f.ReplaceLineEndings(" ")));
    }

    // This package and the store packages: the options types a Declarative.Auth setting binds to.
    private static readonly string[] Packages = ["Declarative.Auth", "Declarative.Auth.Sqlite", "Declarative.Auth.PostgreSql", "Declarative.Auth.OpenApi"];

    private static bool IsOurs(OptionsValidationException exception)
        => Packages.Contains(exception.OptionsType.Assembly.GetName().Name, StringComparer.Ordinal);
}
