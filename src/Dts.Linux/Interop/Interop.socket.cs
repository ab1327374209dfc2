using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>socket(2). Returns the new fd or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int socket(int domain, int type, int protocol);
    }
}
