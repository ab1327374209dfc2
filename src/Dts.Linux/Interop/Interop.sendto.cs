using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>sendto(2). Returns the number of bytes sent or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial nint sendto(SafeHandle sockfd, byte* buf, nuint len, int flags, void* dest_addr, uint addrlen);
    }
}
