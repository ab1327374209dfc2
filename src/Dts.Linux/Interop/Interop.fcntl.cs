using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fcntl(2) with an int argument (F_DUPFD_CLOEXEC). Returns the result or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int fcntl(SafeHandle fd, int cmd, int arg);
    }
}
