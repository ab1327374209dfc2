using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>struct tcp_repair_opt</c> (include/uapi/linux/tcp.h).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct tcp_repair_opt
        {
            internal uint opt_code;
            internal uint opt_val;
        }
    }
}
