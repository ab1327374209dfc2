using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>bind(2) with a <c>sockaddr_in</c>/<c>sockaddr_in6</c>. Returns 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int bind(SafeHandle sockfd, void* addr, uint addrlen);
    }
}
