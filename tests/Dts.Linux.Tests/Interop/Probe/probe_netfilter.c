/* Netfilter side of KernelHeaderTests: NFQUEUE constants and layouts from <linux/netfilter/nfnetlink_queue.h>
 * and <linux/netfilter.h> (linux-libc-dev; libnetfilter_queue's own headers are not needed). */
#include <stdio.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>

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
}
