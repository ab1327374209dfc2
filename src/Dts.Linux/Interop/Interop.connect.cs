using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>connect(2). Returns 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int connect(SafeHandle sockfd, void* addr, uint addrlen);
    }
}
