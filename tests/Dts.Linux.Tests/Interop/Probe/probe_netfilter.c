/* Netfilter side of KernelHeaderTests: NFQUEUE constants and layouts from <linux/netfilter/nfnetlink_queue.h>
 * and <linux/netfilter.h> (linux-libc-dev; libnetfilter_queue's own headers are not needed), and the nf_tables
 * netlink constants and layouts Interop.NfNetlink uses (<linux/netlink.h>, <linux/netfilter/nfnetlink.h>,
 * <linux/netfilter/nf_tables.h>). */
#include <stdio.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#define P(name) printf("%s %lld\n", #name, (long long)(name))
#define PN(csname, name) printf("%s %lld\n", csname, (long long)(name))

void probe_netfilter(void)
{
    P(NF_DROP); P(NF_ACCEPT);
    P(NFQNL_COPY_NONE); P(NFQNL_COPY_META); P(NFQNL_COPY_PACKET);
    PN("NfqnlMaxCopyRange", 0xffff - NLA_HDRLEN); /* net/netfilter/nfnetlink_queue.c NFQNL_MAX_COPY_RANGE */
    P(NFQA_CFG_F_FAIL_OPEN); P(NFQA_CFG_F_CONNTRACK); P(NFQA_CFG_F_GSO); P(NFQA_CFG_F_UID_GID); P(NFQA_CFG_F_SECCTX);
    P(NFQA_SKB_CSUMNOTREADY); P(NFQA_SKB_GSO); P(NFQA_SKB_CSUM_NOTVERIFIED);
    P(NFQA_PACKET_HDR); P(NFQA_MARK); P(NFQA_PAYLOAD); P(NFQA_CAP_LEN); P(NFQA_SKB_INFO);
    PN("hook.Prerouting", NF_INET_PRE_ROUTING); PN("hook.LocalIn", NF_INET_LOCAL_IN); PN("hook.Forward", NF_INET_FORWARD);
    PN("hook.LocalOut", NF_INET_LOCAL_OUT); PN("hook.Postrouting", NF_INET_POST_ROUTING);
    printf("sizeof(nfqnl_msg_packet_hdr) %zu\n", sizeof(struct nfqnl_msg_packet_hdr));
    printf("offsetof(nfqnl_msg_packet_hdr.packet_id) %zu\n", offsetof(struct nfqnl_msg_packet_hdr, packet_id));
    printf("offsetof(nfqnl_msg_packet_hdr.hw_protocol) %zu\n", offsetof(struct nfqnl_msg_packet_hdr, hw_protocol));
    printf("offsetof(nfqnl_msg_packet_hdr.hook) %zu\n", offsetof(struct nfqnl_msg_packet_hdr, hook));

    P(NETLINK_NETFILTER); P(NETLINK_CAP_ACK); P(NLM_F_REQUEST); P(NLM_F_ACK); P(NLM_F_CREATE);
    P(NLMSG_ERROR); P(NLMSG_MIN_TYPE); P(NLA_F_NESTED); P(NLMSG_ALIGNTO); P(NLA_ALIGNTO);
    P(NFPROTO_UNSPEC); P(NFPROTO_INET); P(NFNETLINK_V0); P(NFNL_SUBSYS_NFTABLES);
    P(NFNL_MSG_BATCH_BEGIN); P(NFNL_MSG_BATCH_END);
    P(NFT_MSG_NEWSETELEM); P(NFT_MSG_DELSETELEM); P(NFTA_LIST_ELEM);
    /* Linux >= 6.3 only; older headers (Debian 12's are 6.1) end the enum at NFT_MSG_DELFLOWTABLE, and 6.3 appends
     * GETRULE_RESET, DESTROYTABLE, DESTROYCHAIN, DESTROYRULE, DESTROYSET, DESTROYSETELEM. */
    PN("NFT_MSG_DESTROYSETELEM", NFT_MSG_DELFLOWTABLE + 6);
    P(NFTA_SET_ELEM_LIST_TABLE); P(NFTA_SET_ELEM_LIST_SET); P(NFTA_SET_ELEM_LIST_ELEMENTS);
    P(NFTA_SET_ELEM_KEY); P(NFTA_SET_ELEM_TIMEOUT); P(NFTA_DATA_VALUE); P(NFT_REG32_SIZE);
    printf("sizeof(sockaddr_nl) %zu\n", sizeof(struct sockaddr_nl));
    printf("sizeof(nlmsghdr) %zu\n", sizeof(struct nlmsghdr));
    printf("sizeof(nfgenmsg) %zu\n", sizeof(struct nfgenmsg));
    printf("sizeof(nlattr) %zu\n", sizeof(struct nlattr));
    printf("sizeof(nlmsgerr) %zu\n", sizeof(struct nlmsgerr));
    printf("offsetof(sockaddr_nl.nl_pid) %zu\n", offsetof(struct sockaddr_nl, nl_pid));
    printf("offsetof(nlmsghdr.nlmsg_seq) %zu\n", offsetof(struct nlmsghdr, nlmsg_seq));
    printf("offsetof(nlmsgerr.msg) %zu\n", offsetof(struct nlmsgerr, msg));
}
