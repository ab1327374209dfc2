using Dts.Core.Packets;

namespace Dts.Core.Splice;

/// <summary>
/// One spliced flow: its <see cref="SpliceRules"/>, traffic counters, the last time a packet was seen and how far
/// its close has got. Mutated only by the thread that owns its <see cref="SpliceFlowTable"/>.
/// </summary>
public sealed class SpliceFlowState
{
    /// <summary>
    /// The memory one spliced flow costs, in bytes: this object (header, rules, counters: at most 112 B on
    /// 64-bit .NET, checked by a test) plus its <see cref="SpliceFlowTable"/> dictionary entry (key 20 B, hash,
    /// next, reference: 48 B with padding).
    /// </summary>
    public const int ApproximateSizeBytes = 112 + 48;

    /// <summary>Creates the state of a flow armed at <paramref name="createdTimestamp"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public SpliceFlowState(SpliceRules rules, long createdTimestamp)
    {
        Rules = rules;
        CreatedTimestamp = createdTimestamp;
        LastActivityTimestamp = createdTimestamp;
    }

    /// <summary>The translation applied to every packet of the flow.</summary>
    public SpliceRules Rules { get; }

    /// <summary>When the flow was armed (<see cref="TimeProvider.GetTimestamp"/> units).</summary>
    public long CreatedTimestamp { get; }

    /// <summary>When a packet of the flow was last translated (<see cref="TimeProvider.GetTimestamp"/> units).</summary>
    public long LastActivityTimestamp { get; private set; }

    /// <summary>Translated target → client packets.</summary>
    public long EgressPackets { get; private set; }

    /// <summary>TCP payload bytes in translated target → client packets (retransmissions counted again).</summary>
    public long EgressBytes { get; private set; }

    /// <summary>Translated client → target packets.</summary>
    public long IngressPackets { get; private set; }

    /// <summary>TCP payload bytes in translated client → target packets (retransmissions counted again).</summary>
    public long IngressBytes { get; private set; }

    /// <summary>The target sent FIN (RFC 9293 §3.6).</summary>
    public bool EgressFinSeen { get; private set; }

    /// <summary>The client sent FIN (RFC 9293 §3.6).</summary>
    public bool IngressFinSeen { get; private set; }

    /// <summary>Either side sent RST (RFC 9293 §3.5.3).</summary>
    public bool ResetSeen { get; private set; }

    /// <summary>
    /// When the flow became closed (FIN both ways, or RST), <see cref="TimeProvider.GetTimestamp"/> units; 0 while open.
    /// The state is kept a little longer (<see cref="SpliceFlowTable"/>'s linger) so the last ACK and any
    /// retransmitted FIN are still translated.
    /// </summary>
    public long ClosedTimestamp { get; private set; }

    /// <summary>True once FIN has been seen in both directions or RST in either.</summary>
    public bool IsClosed => ClosedTimestamp != 0;

    /// <summary>Translates a target → client packet with <see cref="Rules"/> and accounts for it.</summary>
    public TranslateResult TranslateEgress(Span<byte> ipPacket, bool checksumNotReady, long nowTimestamp)
    {
        if (EgressFinSeen && IngressFinSeen && !ResetSeen && IsReset(ipPacket))
        {
            return TranslateResult.ResetAfterClose;
        }

        TranslateResult result = SpliceTranslator.TranslateEgress(ipPacket, Rules, checksumNotReady, out SpliceSegmentInfo segment);
        if (result == TranslateResult.Translated)
        {
            EgressPackets++;
            EgressBytes += segment.PayloadLength;
            EgressFinSeen |= (segment.Flags & TcpFlags.Fin) != 0;
            Touch(segment.Flags, nowTimestamp);
        }

        return result;
    }

    /// <summary>Translates a client → target packet with <see cref="Rules"/> and accounts for it.</summary>
    public TranslateResult TranslateIngress(Span<byte> ipPacket, bool checksumNotReady, long nowTimestamp)
    {
        TranslateResult result = SpliceTranslator.TranslateIngress(ipPacket, Rules, checksumNotReady, out SpliceSegmentInfo segment);
        if (result == TranslateResult.Translated)
        {
            IngressPackets++;
            IngressBytes += segment.PayloadLength;
            IngressFinSeen |= (segment.Flags & TcpFlags.Fin) != 0;
            // An ingress RST is not believed: anyone can send one, and the target's stack ignores those out of
            // window (RFC 5961 §3). Only the target's own RST (egress) says the connection is over.
            Touch(segment.Flags & ~TcpFlags.Rst, nowTimestamp);
        }

        return result;
    }

    /// <summary>Whether the packet is a TCP segment with RST set (IPv4, or IPv6 with TCP as its first next header).</summary>
    private static bool IsReset(Span<byte> ipPacket)
    {
        Span<byte> segment;
        if (Ipv4Header.TryRead(ipPacket, out var v4) && v4.Protocol == TcpHeader.ProtocolNumber)
        {
            segment = v4.Payload;
        }
        else if (Ipv6Header.TryRead(ipPacket, out var v6) && v6.NextHeader == TcpHeader.ProtocolNumber)
        {
            segment = v6.Payload;
        }
        else
        {
            return false;
        }

        return TcpHeader.TryRead(segment, out var tcp) && (tcp.Flags & TcpFlags.Rst) != 0;
    }

    private void Touch(TcpFlags flags, long nowTimestamp)
    {
        LastActivityTimestamp = nowTimestamp;
        ResetSeen |= (flags & TcpFlags.Rst) != 0;
        if (ClosedTimestamp == 0 && (ResetSeen || (EgressFinSeen && IngressFinSeen)))
        {
            ClosedTimestamp = nowTimestamp == 0 ? 1 : nowTimestamp;
        }
    }
}
