using System.Runtime.InteropServices;

namespace Dts.Testbed;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SIGKILL = 9;
        internal const int SIGTERM = 15;
        internal const int ESRCH = 3;

        /// <summary><c>int kill(pid_t pid, int sig)</c>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "kill", SetLastError = true)]
        internal static partial int kill(int pid, int sig);
    }
}
