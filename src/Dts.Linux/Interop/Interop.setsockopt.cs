using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>setsockopt(2). Returns 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int setsockopt(SafeHandle sockfd, int level, int optname, void* optval, uint optlen);
    }
}
