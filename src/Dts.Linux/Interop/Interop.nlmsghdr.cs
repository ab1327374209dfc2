using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NfNetlink
    {
        /// <summary><c>struct nlmsghdr</c> (include/uapi/linux/netlink.h), host byte order.</summary>
        [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // the C name, as for every struct in Interop
        internal struct nlmsghdr
        {
            internal uint nlmsg_len;
            internal ushort nlmsg_type;
            internal ushort nlmsg_flags;
            internal uint nlmsg_seq;
            internal uint nlmsg_pid;
        }

        /// <summary><c>struct nfgenmsg</c> (include/uapi/linux/netfilter/nfnetlink.h); res_id in network byte order.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nfgenmsg
        {
            internal byte nfgen_family;
            internal byte version;
            internal ushort res_id;
        }

        /// <summary><c>struct nlattr</c> (include/uapi/linux/netlink.h): nla_len counts header and payload, not the padding.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nlattr
        {
            internal ushort nla_len;
            internal ushort nla_type;
        }

        /// <summary><c>struct nlmsgerr</c> (include/uapi/linux/netlink.h): a negative errno, or 0 for an ACK, and the request's header.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nlmsgerr
        {
            internal int error;
            internal nlmsghdr msg;
        }
#pragma warning restore CS8981
    }
}
