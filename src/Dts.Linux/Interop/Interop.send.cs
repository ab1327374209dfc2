using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>send(2). Returns the number of bytes queued or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial nint send(SafeHandle sockfd, byte* buf, nuint len, int flags);
    }
}
