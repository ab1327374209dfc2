using System.Globalization;
using System.Runtime.InteropServices;

namespace Dts.Testbed.Processes;

/// <summary>Process signals and liveness by pid (<c>kill(2)</c>, <c>/proc/&lt;pid&gt;/stat</c>).</summary>
internal static class Signals
{
    /// <summary>Sends <paramref name="signal"/>; false when the process no longer exists.</summary>
    /// <exception cref="IOException">kill failed for another reason than ESRCH.</exception>
    public static bool Send(int pid, int signal)
    {
        if (Interop.Libc.kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Interop.Libc.ESRCH
            ? false
            : throw new IOException($"kill({pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// SIGTERM to every pid, up to <paramref name="grace"/> for them to exit (bounded poll), then SIGKILL to the rest
    /// and up to 5 s more for them to disappear.
    /// </summary>
    public static async Task TerminateAsync(IReadOnlyCollection<int> pids, TimeSpan grace, CancellationToken cancellationToken)
    {
        foreach (int pid in pids)
        {
            Send(pid, Interop.Libc.SIGTERM);
        }

        if (!await WaitGoneAsync(pids, grace, cancellationToken).ConfigureAwait(false))
        {
            foreach (int pid in pids.Where(IsAlive))
            {
                Send(pid, Interop.Libc.SIGKILL);
            }

            await WaitGoneAsync(pids, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls every 50 ms until none of <paramref name="pids"/> is alive; false at the deadline.</summary>
    public static async Task<bool> WaitGoneAsync(IReadOnlyCollection<int> pids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pids.Any(IsAlive))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
