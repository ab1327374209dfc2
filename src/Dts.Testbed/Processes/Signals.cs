using System.Globalization;
using Dts.Linux.Processes;

namespace Dts.Testbed.Processes;

/// <summary>Stopping processes by pid (signals through <see cref="ProcessSignals"/>) and their liveness (<c>/proc/&lt;pid&gt;/stat</c>).</summary>
public static class Signals
{
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
            ProcessSignals.TrySend(pid, ProcessSignal.Terminate);
        }

        if (!await WaitGoneAsync(pids, grace, cancellationToken).ConfigureAwait(false))
        {
            foreach (int pid in pids.Where(IsAlive))
            {
                ProcessSignals.TrySend(pid, ProcessSignal.Kill);
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
