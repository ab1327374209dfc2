using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>ioctl(2) with an <c>int*</c> argument (SIOCINQ, SIOCOUTQ). Returns 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int ioctl(SafeHandle fd, nuint request, int* arg);
    }
}
