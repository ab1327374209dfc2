using System.Text;

namespace Dts.Testbed;

/// <summary>The outcome of a process the testbed ran to completion (or killed at its timeout).</summary>
/// <param name="CommandLine">The command line as run, for messages.</param>
/// <param name="ExitCode">The exit code; 128 + signal number when the process died from a signal.</param>
/// <param name="StandardOutputBytes">Everything the process wrote to stdout, byte for byte.</param>
/// <param name="StandardError">Everything the process wrote to stderr (UTF-8).</param>
/// <param name="TimedOut"><see langword="true"/> when the process was killed because its timeout elapsed.</param>
/// <param name="Elapsed">Wall-clock time from start to exit.</param>
public sealed record ProcessResult(
    string CommandLine,
    int ExitCode,
    ReadOnlyMemory<byte> StandardOutputBytes,
    string StandardError,
    bool TimedOut,
    TimeSpan Elapsed)
{
    /// <summary>Stdout decoded as UTF-8.</summary>
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes.Span);

    /// <summary><see langword="true"/> when the process exited with 0 before its timeout.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Returns this result when <see cref="Succeeded"/>, throws otherwise.</summary>
    /// <exception cref="TestbedCommandException">The process failed or timed out.</exception>
    public ProcessResult EnsureSuccess() => Succeeded ? this : throw new TestbedCommandException(this);
}
