using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NfNetlink
    {
        /// <summary><c>struct sockaddr_nl</c> (include/uapi/linux/netlink.h); nl_pid 0 lets the kernel pick the port id.</summary>
        [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // the C name, as for every struct in Interop
        internal struct sockaddr_nl
#pragma warning restore CS8981
        {
            internal ushort nl_family;
            internal ushort nl_pad;
            internal uint nl_pid;
            internal uint nl_groups;
        }
    }
}
