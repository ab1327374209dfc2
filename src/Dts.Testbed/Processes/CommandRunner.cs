using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Dts.Testbed.Processes;

/// <summary>
/// Runs a program to completion with a timeout, capturing stdout as bytes and stderr as text. Every
/// <c>ip</c>/<c>sysctl</c> call of the testbed and every client program goes through here.
/// </summary>
public static class CommandRunner
{
    /// <summary>Default timeout of one setup command (<c>ip</c>, <c>sysctl</c>).</summary>
    public static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="file"/> and throws unless it exits with 0 in time.</summary>
    /// <exception cref="TestbedCommandException">Non-zero exit or timeout; carries command line and stderr.</exception>
    public static async Task<ProcessResult> RunCheckedAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var result = await RunAsync(file, args, timeout ?? SetupTimeout, cancellationToken).ConfigureAwait(false);
        return result.EnsureSuccess();
    }

    /// <summary>
    /// Runs <paramref name="file"/> with stdin closed. At <paramref name="timeout"/> the process tree is
    /// killed and the result has <see cref="ProcessResult.TimedOut"/> set; on cancellation it is killed and
    /// <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    [SuppressMessage("Reliability", "CA2025:Do not pass 'IDisposable' instances into unawaited tasks", Justification =
        "stdout is a MemoryStream that is never disposed: a copy that outlives the 2 s wait (grandchildren holding the pipe) only appends to it.")]
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        string commandLine = Format(file, psi.ArgumentList);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new ProcessResult(commandLine, 127, ReadOnlyMemory<byte>.Empty, ex.Message, false, stopwatch.Elapsed);
        }

        process.StandardInput.Close();
        var stdout = new MemoryStream();
        Task stdoutTask = process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None);
        Task<string> stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        // Grandchildren may keep the pipes open after a kill; don't wait for them forever.
        await Task.WhenAny(Task.WhenAll(stdoutTask, stderrTask), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        string stderr = stderrTask.IsCompletedSuccessfully ? await stderrTask.ConfigureAwait(false) : string.Empty;
        return new ProcessResult(commandLine, process.ExitCode, stdout.ToArray(), stderr, timedOut, stopwatch.Elapsed);
    }

    /// <summary>Formats a command line for messages, quoting arguments that need it.</summary>
    public static string Format(string file, IEnumerable<string> args)
    {
        return string.Join(' ', new[] { file }.Concat(args).Select(Quote));
    }

    private static string Quote(string s)
    {
        return s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? s
            : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
