namespace Declarative.Auth.Cli;

/// <summary>The exit codes of <c>declarative-auth</c>.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed: no such key, a conflict, or the store cannot be reached.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong; the message says what to write instead.</summary>
    public const int Usage = 2;

    /// <summary><c>diff</c>: an endpoint's access widened and the approvals file does not list it.</summary>
    public const int Widened = 3;
}

/// <summary>Ends a command with a one-line message on stderr and an exit code; never shows a stack trace.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException Failed(string message) => new(ExitCodes.Failed, message);
}
