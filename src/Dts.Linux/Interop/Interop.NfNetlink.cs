internal static partial class Interop
{
    /// <summary>
    /// The nf_tables netlink protocol, spoken directly (no native library: Dts.Linux builds the messages itself, see
    /// Netfilter/NfTablesSocket.cs). Constants carry their C names from include/uapi/linux/netlink.h,
    /// include/uapi/linux/netfilter.h, include/uapi/linux/netfilter/nfnetlink.h and
    /// include/uapi/linux/netfilter/nf_tables.h, and are checked against the headers by KernelHeaderTests.
    /// </summary>
    internal static partial class NfNetlink
    {
        // include/uapi/linux/netlink.h: protocol, socket options (level SOL_NETLINK), message flags and types
        internal const int NETLINK_NETFILTER = 12;
        internal const int NETLINK_CAP_ACK = 10;
        internal const ushort NLM_F_REQUEST = 0x01;
        internal const ushort NLM_F_ACK = 0x04;
        internal const ushort NLM_F_CREATE = 0x400;
        internal const ushort NLMSG_ERROR = 0x2;
        internal const ushort NLMSG_MIN_TYPE = 0x10;
        internal const ushort NLA_F_NESTED = 1 << 15;
        internal const int NLMSG_ALIGNTO = 4;
        internal const int NLA_ALIGNTO = 4;

        // include/uapi/linux/netfilter.h
        internal const byte NFPROTO_UNSPEC = 0;
        internal const byte NFPROTO_INET = 1;

        // include/uapi/linux/netfilter/nfnetlink.h
        internal const byte NFNETLINK_V0 = 0;
        internal const ushort NFNL_SUBSYS_NFTABLES = 10;
        internal const ushort NFNL_MSG_BATCH_BEGIN = NLMSG_MIN_TYPE;
        internal const ushort NFNL_MSG_BATCH_END = NLMSG_MIN_TYPE + 1;

        // include/uapi/linux/netfilter/nf_tables.h: enum nf_tables_msg_types (the message type is
        // NFNL_SUBSYS_NFTABLES << 8 | this)
        internal const ushort NFT_MSG_NEWSETELEM = 12;
        internal const ushort NFT_MSG_DELSETELEM = 14;

        /// <summary>Linux ≥ 6.3 (Debian 12's linux-libc-dev 6.1 predates it; the probe checks it as the place it takes
        /// in the enum, NFT_MSG_DELFLOWTABLE + 6).</summary>
        internal const ushort NFT_MSG_DESTROYSETELEM = 30;

        // enum nft_list_attributes
        internal const ushort NFTA_LIST_ELEM = 1;

        // enum nft_set_elem_list_attributes
        internal const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
        internal const ushort NFTA_SET_ELEM_LIST_SET = 2;
        internal const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;

        // enum nft_set_elem_attributes
        internal const ushort NFTA_SET_ELEM_KEY = 1;
        internal const ushort NFTA_SET_ELEM_TIMEOUT = 4;

        // enum nft_data_attributes
        internal const ushort NFTA_DATA_VALUE = 1;

        // NFT_REG32_SIZE: a concatenation's fields each start on a 4-byte register boundary
        internal const int NFT_REG32_SIZE = 4;
    }
}
