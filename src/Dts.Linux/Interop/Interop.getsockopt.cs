using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>getsockopt(2). Returns 0 or -1 (errno); <paramref name="optlen"/> is in/out.</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int getsockopt(SafeHandle sockfd, int level, int optname, void* optval, uint* optlen);
    }
}
