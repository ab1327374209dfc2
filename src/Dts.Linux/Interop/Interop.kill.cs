using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>kill(2): sends <paramref name="sig"/> to process <paramref name="pid"/>. Returns 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int kill(int pid, int sig);
    }
}
