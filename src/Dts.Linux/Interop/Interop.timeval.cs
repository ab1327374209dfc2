using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>struct timeval</c> (64-bit time_t), as SO_RCVTIMEO takes it.</summary>
        [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // the C name, as for every struct in Interop
        internal struct timeval
#pragma warning restore CS8981
        {
            internal long tv_sec;
            internal long tv_usec;
        }
    }
}
