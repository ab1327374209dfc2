using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>struct sockaddr_in</c> (include/uapi/linux/in.h); port and address in network order.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct sockaddr_in
        {
            internal ushort sin_family;
            internal ushort sin_port;
            internal uint sin_addr;
            internal ulong sin_zero;
        }

        /// <summary><c>struct sockaddr_in6</c> (include/uapi/linux/in6.h); port in network order.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct sockaddr_in6
        {
            internal ushort sin6_family;
            internal ushort sin6_port;
            internal uint sin6_flowinfo;
            internal fixed byte sin6_addr[16];
            internal uint sin6_scope_id;
        }
    }
}
