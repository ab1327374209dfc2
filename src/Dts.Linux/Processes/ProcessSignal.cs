namespace Dts.Linux.Processes;

/// <summary>The signals <see cref="ProcessSignals"/> sends, with the numbers of <c>&lt;signal.h&gt;</c>.</summary>
public enum ProcessSignal
{
    /// <summary>Signal 0: kill(2) only checks that the process exists and may be signalled; nothing is delivered.</summary>
    Probe = 0,

    /// <summary><c>SIGKILL</c>: ends the process at once; it cannot be caught.</summary>
    Kill = Interop.Libc.SIGKILL,

    /// <summary><c>SIGTERM</c>: asks the process to stop (a .NET host runs its graceful shutdown).</summary>
    Terminate = Interop.Libc.SIGTERM,
}
