using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dts.Testbed;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>CLONE_NEWNET</c> from <c>&lt;sched.h&gt;</c>.</summary>
        internal const int CLONE_NEWNET = 0x40000000;

        /// <summary><c>int setns(int fd, int nstype)</c>: moves the calling thread into a namespace.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "setns", SetLastError = true)]
        internal static partial int setns(SafeFileHandle fd, int nstype);
    }
}
