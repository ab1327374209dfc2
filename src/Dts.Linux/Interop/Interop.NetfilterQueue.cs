internal static partial class Interop
{
    /// <summary>
    /// libnetfilter_queue (netfilter.org, Debian package libnetfilter-queue1): the NFQUEUE userspace API over
    /// nfnetlink. Constants carry their C names from include/uapi/linux/netfilter/nfnetlink_queue.h and
    /// include/uapi/linux/netfilter.h and are checked against the headers by KernelHeaderTests.
    /// </summary>
    internal static partial class NetfilterQueue
    {
        internal const string LibraryName = "libnetfilter_queue.so.1";

        // include/uapi/linux/netfilter.h: verdicts
        internal const uint NF_DROP = 0;
        internal const uint NF_ACCEPT = 1;

        // enum nfqnl_config_mode
        internal const byte NFQNL_COPY_NONE = 0;
        internal const byte NFQNL_COPY_META = 1;
        internal const byte NFQNL_COPY_PACKET = 2;

        /// <summary>Largest copy range the kernel honours: 0xffff − NLA_HDRLEN (net/netfilter/nfnetlink_queue.c
        /// NFQNL_MAX_COPY_RANGE; not in the UAPI header, so not probed).</summary>
        internal const uint NfqnlMaxCopyRange = 0xffff - 4;

        // Flags for NFQA_CFG_FLAGS
        internal const uint NFQA_CFG_F_FAIL_OPEN = 1 << 0;
        internal const uint NFQA_CFG_F_CONNTRACK = 1 << 1;
        internal const uint NFQA_CFG_F_GSO = 1 << 2;
        internal const uint NFQA_CFG_F_UID_GID = 1 << 3;
        internal const uint NFQA_CFG_F_SECCTX = 1 << 4;

        // Flags of the NFQA_SKB_INFO attribute (nfq_get_skbinfo())
        internal const uint NFQA_SKB_CSUMNOTREADY = 1 << 0;
        internal const uint NFQA_SKB_GSO = 1 << 1;
        internal const uint NFQA_SKB_CSUM_NOTVERIFIED = 1 << 2;

        // enum nfqnl_attr_type (the attributes a packet message can carry)
        internal const int NFQA_PACKET_HDR = 1;
        internal const int NFQA_MARK = 3;
        internal const int NFQA_PAYLOAD = 10;
        internal const int NFQA_CAP_LEN = 13;
        internal const int NFQA_SKB_INFO = 14;
    }
}
