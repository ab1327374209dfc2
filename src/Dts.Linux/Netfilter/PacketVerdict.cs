namespace Dts.Linux.Netfilter;

/// <summary>What <see cref="NfQueue"/> tells the kernel about one queued packet.</summary>
public enum PacketVerdict
{
    /// <summary>NF_DROP: the packet is freed. The default, so a forgotten verdict fails closed.</summary>
    Drop = 0,

    /// <summary>NF_ACCEPT without data: the packet continues unchanged (its checksum state included).</summary>
    Accept = 1,

    /// <summary>
    /// NF_ACCEPT with <see cref="QueuedPacket.Payload"/> as the new packet bytes (the handler rewrote them in
    /// place). The kernel copies them over the packet and sets <c>skb->ip_summed = CHECKSUM_NONE</c>
    /// (net/netfilter/nfnetlink_queue.c, nfqnl_mangle()): the bytes must carry complete, valid checksums even when
    /// <see cref="QueuedPacket.ChecksumNotReady"/> was set — except for GSO packets, whose TCP checksum the
    /// kernel's segmentation recomputes.
    /// </summary>
    AcceptModified = 2,
}
