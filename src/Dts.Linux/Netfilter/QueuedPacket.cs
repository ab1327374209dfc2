namespace Dts.Linux.Netfilter;

/// <summary>
/// One packet the kernel queued to an <see cref="NfQueue"/>: a view over the queue's receive buffer, valid only
/// during the <see cref="PacketHandler"/> call.
/// </summary>
public readonly ref struct QueuedPacket
{
    private readonly uint _skbInfo;

    internal QueuedPacket(uint id, Span<byte> payload, uint skbInfo, uint mark, NetfilterHook hook, ushort hardwareProtocol, uint inputInterfaceIndex, uint outputInterfaceIndex)
    {
        Id = id;
        Payload = payload;
        _skbInfo = skbInfo;
        Mark = mark;
        Hook = hook;
        HardwareProtocol = hardwareProtocol;
        InputInterfaceIndex = inputInterfaceIndex;
        OutputInterfaceIndex = outputInterfaceIndex;
    }

    /// <summary>The packet id the verdict refers to (nfqnl_msg_packet_hdr.packet_id, host order).</summary>
    public uint Id { get; }

    /// <summary>
    /// The network-layer packet (IPv4 or IPv6 header first), complete: truncated packets never reach the handler.
    /// Writable; return <see cref="PacketVerdict.AcceptModified"/> to make the kernel use the rewritten bytes.
    /// GSO packets (<see cref="IsGso"/>) can be up to 65531 bytes.
    /// </summary>
    public Span<byte> Payload { get; }

    /// <summary>
    /// NFQA_SKB_CSUMNOTREADY: <c>skb->ip_summed == CHECKSUM_PARTIAL</c>, so the transport checksum field holds only
    /// the pseudo-header sum (locally generated packets, packets from a veth peer). Never validate it.
    /// </summary>
    public bool ChecksumNotReady => (_skbInfo & Interop.NetfilterQueue.NFQA_SKB_CSUMNOTREADY) != 0;

    /// <summary>NFQA_SKB_GSO: a GSO/GRO super-packet that the stack segments later; its IP length covers all of it.</summary>
    public bool IsGso => (_skbInfo & Interop.NetfilterQueue.NFQA_SKB_GSO) != 0;

    /// <summary>NFQA_SKB_CSUM_NOTVERIFIED: an inbound packet whose checksum nobody has verified yet.</summary>
    public bool ChecksumNotVerified => (_skbInfo & Interop.NetfilterQueue.NFQA_SKB_CSUM_NOTVERIFIED) != 0;

    /// <summary>skb->mark when the packet was queued (0 when unset).</summary>
    public uint Mark { get; }

    /// <summary>The hook the NFQUEUE rule ran in.</summary>
    public NetfilterHook Hook { get; }

    /// <summary>skb->protocol as an EtherType in host order: 0x0800 IPv4, 0x86DD IPv6.</summary>
    public ushort HardwareProtocol { get; }

    /// <summary>The input interface index, 0 on output hooks.</summary>
    public uint InputInterfaceIndex { get; }

    /// <summary>The output interface index, 0 on input hooks.</summary>
    public uint OutputInterfaceIndex { get; }
}
