using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>geteuid(2); never fails.</summary>
        [LibraryImport(LibraryName)]
        internal static partial uint geteuid();
    }
}
