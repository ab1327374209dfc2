namespace Dts.Linux.Processes;

/// <summary>Signals to a process by pid (<c>kill(2)</c>), for processes this one did not start as a <see cref="System.Diagnostics.Process"/>.</summary>
public static class ProcessSignals
{
    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when no such process exists (ESRCH).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pid"/> is not positive (kill(2) would address a process group).</exception>
    /// <exception cref="LinuxSocketException">kill(2) failed for another reason, e.g. EPERM.</exception>
    public static bool TrySend(int pid, ProcessSignal signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        if (Interop.Libc.kill(pid, (int)signal) == 0)
        {
            return true;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno == Interop.Libc.ESRCH ? false : throw new LinuxSocketException($"kill({pid}, {signal})", errno);
    }
}
