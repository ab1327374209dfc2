namespace Dts.Linux.Netfilter;

/// <summary>The netfilter hook a packet was queued from (enum nf_inet_hooks, include/uapi/linux/netfilter.h).</summary>
public enum NetfilterHook : byte
{
    /// <summary>NF_INET_PRE_ROUTING: arrived from an interface (including <c>lo</c>), before routing.</summary>
    Prerouting = 0,

    /// <summary>NF_INET_LOCAL_IN: routed to a local address.</summary>
    LocalIn = 1,

    /// <summary>NF_INET_FORWARD: routed through this host.</summary>
    Forward = 2,

    /// <summary>NF_INET_LOCAL_OUT: sent by a local socket.</summary>
    LocalOut = 3,

    /// <summary>NF_INET_POST_ROUTING: about to leave through an interface.</summary>
    Postrouting = 4,
}
