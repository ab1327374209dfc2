using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>unshare(2): with CLONE_NEWNET, moves the calling thread into a new, empty network namespace
        /// (loopback down) that lives as long as a thread or a socket refers to it.</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int unshare(int flags);
    }
}
