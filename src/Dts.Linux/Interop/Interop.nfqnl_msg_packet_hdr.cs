using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>struct nfqnl_msg_packet_hdr</c> (include/uapi/linux/netfilter/nfnetlink_queue.h), packed, 7 bytes.</summary>
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        internal struct nfqnl_msg_packet_hdr
        {
            /// <summary>Unique id of the packet in its queue, network order.</summary>
            internal uint packet_id;

            /// <summary>skb->protocol (ETH_P_IP, ETH_P_IPV6), network order.</summary>
            internal ushort hw_protocol;

            /// <summary>The netfilter hook (NF_INET_PRE_ROUTING = 0 … NF_INET_POST_ROUTING = 4).</summary>
            internal byte hook;
        }
    }
}
