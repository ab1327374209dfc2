using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>close(2). Only SafeHandle.ReleaseHandle calls this.</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int close(int fd);
    }
}
