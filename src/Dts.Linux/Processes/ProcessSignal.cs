namespace Dts.Linux.Processes;

/// <summary>The signals <see cref="ProcessSignals"/> sends, with the numbers of <c>&lt;signal.h&gt;</c>.</summary>
public enum ProcessSignal
{
    /// <summary><c>SIGKILL</c>: ends the process at once; it cannot be caught.</summary>
    Kill = Interop.Libc.SIGKILL,

    /// <summary><c>SIGTERM</c>: asks the process to stop (a .NET host runs its graceful shutdown).</summary>
    Terminate = Interop.Libc.SIGTERM,
}
