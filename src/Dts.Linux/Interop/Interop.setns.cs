using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>setns(2): moves the calling thread into the namespace <paramref name="fd"/> refers to.</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int setns(SafeHandle fd, int nstype);
    }
}
