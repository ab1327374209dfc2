using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>recv(2). Returns the number of bytes copied or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial nint recv(SafeHandle sockfd, byte* buf, nuint len, int flags);
    }
}
