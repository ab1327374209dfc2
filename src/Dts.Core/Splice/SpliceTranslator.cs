using System.Buffers.Binary;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Splice;

/// <summary>
/// The per-packet translator of the Splice handover (ARCHITECTURE §3, "Target, Splice"): after the handover the
/// target's stack numbers the connection from its own ISN and TS clock while the client knows the origin's. Every
/// packet of the flow passes through here, in place, header fields only (payload bytes are never read except to
/// recompute a checksum). Pure: no state, no allocation, no exception for any input.
/// </summary>
/// <remarks>
/// <para>
/// Parsing: IPv4 (fragments are <see cref="TranslateResult.Malformed"/>; an IPv4 total length up to 65535, as in
/// GSO/GRO super-packets, is an ordinary packet) and IPv6 (hop-by-hop and destination-options extension headers
/// are skipped; a fragment header is Malformed, anything else NotTcp). The whole option list is checked before
/// anything is written, so a result other than <see cref="TranslateResult.Translated"/> means the buffer is
/// untouched. The buffer must hold the whole packet (an NFQUEUE copy range shorter than the packet is Malformed).
/// </para>
/// <para>
/// Checksums: incoming checksums are never validated. When the kernel reports the checksum as not ready
/// (NFQUEUE's <c>NFQA_SKB_CSUMNOTREADY</c>, i.e. CHECKSUM_PARTIAL: the field holds only the pseudo-header sum —
/// GSO/GRO super-packets and locally generated segments), pass <c>checksumNotReady: true</c>: the fields are
/// written plainly and the TCP checksum is recomputed in full over pseudo-header and segment (RFC 9293 §3.1),
/// because NFQUEUE's verdict with a modified payload sets <c>ip_summed = CHECKSUM_NONE</c> (nfqnl_mangle), so
/// nobody would finish it later. Otherwise every field is rewritten with the RFC 1624 incremental update of
/// <see cref="TcpHeader"/>'s <c>Rewrite</c> methods, which keeps a wrong checksum wrong (corruption is not
/// laundered). The IP header is never changed, so the IPv4 header checksum stays valid.
/// </para>
/// <para>
/// Options are edited in place and never re-laid out. A timestamps option of the wrong length or a SACK option
/// whose length is not 2 + 8·n is left alone, as Linux's <c>tcp_parse_options</c> ignores it too; two options of
/// either kind make the segment Malformed (the receiver would honour the last, this class the first).
/// </para>
/// </remarks>
public static class SpliceTranslator
{
    private const byte IPv6HopByHop = 0;
    private const byte IPv6Fragment = 44;
    private const byte IPv6DestinationOptions = 60;

    /// <summary>
    /// Translates a packet the target sends to the client: SEG.SEQ += Δseq (RFC 9293 §3.4), TSval += Δts
    /// (RFC 7323 §3), the window field rescaled from the target's shift to the origin's (RFC 7323 §2.3, see
    /// <see cref="RescaleWindow"/>), checksum fixed (RFC 1624 or in full). SEG.ACK, TSecr and SACK blocks are in
    /// the client's spaces and stay. Zero-length segments, FIN and RST are translated; SYN is not.
    /// </summary>
    /// <param name="ipPacket">The whole IPv4 or IPv6 packet, edited in place.</param>
    /// <param name="rules">The flow's translation.</param>
    /// <param name="checksumNotReady">True when the TCP checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL).</param>
    public static TranslateResult TranslateEgress(Span<byte> ipPacket, in SpliceRules rules, bool checksumNotReady) =>
        TranslateEgress(ipPacket, rules, checksumNotReady, out _);

    /// <summary>
    /// <see cref="TranslateEgress(Span{byte}, in SpliceRules, bool)"/>, also reporting the segment's flags and
    /// payload length whenever a TCP header was found (Translated or Handshake), default otherwise.
    /// </summary>
    public static TranslateResult TranslateEgress(Span<byte> ipPacket, in SpliceRules rules, bool checksumNotReady,
        out SpliceSegmentInfo segment)
    {
        TranslateResult result = Locate(ipPacket, out Located at, out segment);
        if (result != TranslateResult.Translated)
        {
            return result;
        }

        TcpHeader tcp = at.Tcp;
        SeqNum seq = tcp.SequenceNumber + rules.SeqDelta;
        ushort window = tcp.Window;
        bool rescale = rules.RescalesWindow;
        if (rescale)
        {
            window = RescaleWindow(window, rules.TargetRcvWscale, rules.OriginRcvWscale);
        }

        if (checksumNotReady)
        {
            tcp.SequenceNumber = seq;
            tcp.Window = window;
            if (at.TimestampsOffset >= 0)
            {
                Span<byte> tsval = tcp.Options.Slice(at.TimestampsOffset + 2, 4);
                BinaryPrimitives.WriteUInt32BigEndian(tsval, unchecked(BinaryPrimitives.ReadUInt32BigEndian(tsval) + rules.TsDelta));
            }

            tcp.TryUpdateChecksum(at.Source, at.Destination);
            return TranslateResult.Translated;
        }

        tcp.RewriteSequenceNumber(seq);
        if (rescale)
        {
            tcp.RewriteWindow(window);
        }

        if (at.TimestampsOffset >= 0)
        {
            TcpTimestamps ts = ReadTimestamps(tcp.Options, at.TimestampsOffset);
            tcp.TryRewriteTimestamps(ts with { Value = ts.Value + rules.TsDelta });
        }

        return TranslateResult.Translated;
    }

    /// <summary>
    /// Translates a packet the client sends to the target: with ACK set, SEG.ACK −= Δseq (RFC 9293 §3.4) and
    /// TSecr −= Δts (RFC 7323 §3; TSecr is only meaningful with ACK, RFC 7323 §3.2); every SACK and D-SACK block
    /// edge −= Δseq (RFC 2018 §3, RFC 2883), which keeps each block's length and the order of its edges. SEG.SEQ,
    /// TSval and the window are in the client's spaces and stay. Checksum fixed (RFC 1624 or in full).
    /// </summary>
    /// <param name="ipPacket">The whole IPv4 or IPv6 packet, edited in place.</param>
    /// <param name="rules">The flow's translation.</param>
    /// <param name="checksumNotReady">True when the TCP checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL, e.g. GRO).</param>
    public static TranslateResult TranslateIngress(Span<byte> ipPacket, in SpliceRules rules, bool checksumNotReady) =>
        TranslateIngress(ipPacket, rules, checksumNotReady, out _);

    /// <summary>
    /// <see cref="TranslateIngress(Span{byte}, in SpliceRules, bool)"/>, also reporting the segment's flags and
    /// payload length whenever a TCP header was found (Translated or Handshake), default otherwise.
    /// </summary>
    public static TranslateResult TranslateIngress(Span<byte> ipPacket, in SpliceRules rules, bool checksumNotReady,
        out SpliceSegmentInfo segment)
    {
        TranslateResult result = Locate(ipPacket, out Located at, out segment);
        if (result != TranslateResult.Translated)
        {
            return result;
        }

        TcpHeader tcp = at.Tcp;
        bool ack = (segment.Flags & TcpFlags.Ack) != 0;
        Span<byte> options = tcp.Options;

        if (checksumNotReady)
        {
            if (ack)
            {
                tcp.AcknowledgmentNumber -= rules.SeqDelta;
                if (at.TimestampsOffset >= 0)
                {
                    Span<byte> tsecr = options.Slice(at.TimestampsOffset + 6, 4);
                    BinaryPrimitives.WriteUInt32BigEndian(tsecr, unchecked(BinaryPrimitives.ReadUInt32BigEndian(tsecr) - rules.TsDelta));
                }
            }

            for (int i = 0; i < at.SackBlocks; i++)
            {
                Span<byte> edges = options.Slice(at.SackOffset + 2 + (i * TcpOptionKind.SackBlockLength), TcpOptionKind.SackBlockLength);
                BinaryPrimitives.WriteUInt32BigEndian(edges, unchecked(BinaryPrimitives.ReadUInt32BigEndian(edges) - rules.SeqDelta));
                BinaryPrimitives.WriteUInt32BigEndian(edges[4..], unchecked(BinaryPrimitives.ReadUInt32BigEndian(edges[4..]) - rules.SeqDelta));
            }

            tcp.TryUpdateChecksum(at.Source, at.Destination);
            return TranslateResult.Translated;
        }

        if (ack)
        {
            tcp.RewriteAcknowledgmentNumber(tcp.AcknowledgmentNumber - rules.SeqDelta);
            if (at.TimestampsOffset >= 0)
            {
                TcpTimestamps ts = ReadTimestamps(options, at.TimestampsOffset);
                tcp.TryRewriteTimestamps(ts with { EchoReply = ts.EchoReply - rules.TsDelta });
            }
        }

        for (int i = 0; i < at.SackBlocks; i++)
        {
            ReadOnlySpan<byte> edges = options.Slice(at.SackOffset + 2 + (i * TcpOptionKind.SackBlockLength), TcpOptionKind.SackBlockLength);
            var block = new SackBlock(
                new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(edges)) - rules.SeqDelta,
                new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(edges[4..])) - rules.SeqDelta);
            tcp.TryRewriteSackBlock(i, block);
        }

        return TranslateResult.Translated;
    }

    /// <summary>
    /// Rescales a window field sent with shift <paramref name="targetShift"/> so that a receiver applying
    /// <paramref name="originShift"/> (RFC 7323 §2.3; shifts above 14 count as 14) sees at least the same window:
    /// <c>ceil((field &lt;&lt; targetShift) / 2^originShift)</c>, clamped to 65535.
    /// </summary>
    /// <remarks>
    /// Rounding is upwards, as Linux's <c>tcp_select_window</c> aligns a window up to the scale granule rather than
    /// shrink it. So the right edge the client sees (SEG.ACK + field'·2^originShift, RFC 9293 §3.8.6) is never left
    /// of the one the target advertised, and lies less than 2^originShift bytes beyond it; a zero window stays zero.
    /// Consequence: when the target's edge stays put while SEG.ACK advances by a non-multiple of 2^originShift, the
    /// translated edge can move left by less than 2^originShift bytes between two segments — the rounding retraction
    /// RFC 7323 §2.4 allows for and requires senders to tolerate. No stateless rule can avoid it (the edge must be
    /// congruent to SEG.ACK modulo 2^originShift). There is no rounding when targetShift ≥ originShift; the clamp
    /// to 65535 (only when targetShift &gt; originShift and the window exceeds 65535·2^originShift) under-advertises,
    /// which is safe and, with advancing acks, never retracts.
    /// </remarks>
    public static ushort RescaleWindow(ushort field, byte targetShift, byte originShift)
    {
        int from = SpliceRules.Effective(targetShift);
        int to = SpliceRules.Effective(originShift);
        if (from == to)
        {
            return field;
        }

        ulong bytes = (ulong)field << from;
        ulong scaled = (bytes + (1UL << to) - 1) >> to;
        return scaled > ushort.MaxValue ? ushort.MaxValue : (ushort)scaled;
    }

    private static TcpTimestamps ReadTimestamps(ReadOnlySpan<byte> options, int offset) => new(
        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(options[(offset + 2)..])),
        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(options[(offset + 6)..])));

    /// <summary>
    /// Finds the TCP segment and the options to edit, validating everything up front. Returns Translated when the
    /// packet may be rewritten.
    /// </summary>
    private static TranslateResult Locate(Span<byte> packet, out Located at, out SpliceSegmentInfo segment)
    {
        at = default;
        segment = default;
        if (packet.IsEmpty)
        {
            return TranslateResult.Malformed;
        }

        Span<byte> source;
        Span<byte> destination;
        Span<byte> tcpBytes;
        switch (packet[0] >> 4)
        {
            case 4:
                if (!Ipv4Header.TryRead(packet, out Ipv4Header v4))
                {
                    return TranslateResult.Malformed;
                }

                if (v4.Protocol != TcpHeader.ProtocolNumber)
                {
                    return TranslateResult.NotTcp;
                }

                if (v4.IsFragment)
                {
                    return TranslateResult.Malformed;
                }

                source = v4.SourceAddressBytes;
                destination = v4.DestinationAddressBytes;
                tcpBytes = v4.Payload;
                break;

            case 6:
                if (!Ipv6Header.TryRead(packet, out Ipv6Header v6))
                {
                    return TranslateResult.Malformed;
                }

                source = v6.SourceAddress;
                destination = v6.DestinationAddress;
                tcpBytes = v6.Payload;
                byte next = v6.NextHeader;
                while (next is IPv6HopByHop or IPv6DestinationOptions)
                {
                    // RFC 8200 §4.3/§4.6: next header, length in 8-octet units not counting the first 8.
                    if (tcpBytes.Length < 8)
                    {
                        return TranslateResult.Malformed;
                    }

                    int length = (tcpBytes[1] + 1) * 8;
                    if (length > tcpBytes.Length)
                    {
                        return TranslateResult.Malformed;
                    }

                    next = tcpBytes[0];
                    tcpBytes = tcpBytes[length..];
                }

                if (next == IPv6Fragment)
                {
                    return TranslateResult.Malformed;
                }

                if (next != TcpHeader.ProtocolNumber)
                {
                    return TranslateResult.NotTcp;
                }

                break;

            default:
                return TranslateResult.NotTcp;
        }

        if (!TcpHeader.TryRead(tcpBytes, out TcpHeader tcp))
        {
            return TranslateResult.Malformed;
        }

        segment = new SpliceSegmentInfo(tcp.Flags, tcp.Payload.Length);
        if ((segment.Flags & TcpFlags.Syn) != 0)
        {
            return TranslateResult.Handshake;
        }

        int timestamps = -1;
        int sack = -1;
        int sackBlocks = 0;
        bool sawSack = false;
        var reader = new TcpOptionReader(tcp.Options);
        while (reader.TryRead(out TcpOption option))
        {
            if (option.Kind == TcpOptionKind.Timestamps)
            {
                if (timestamps != -1)
                {
                    return TranslateResult.Malformed;
                }

                timestamps = option.Length == TcpOptionKind.TimestampsLength ? option.Offset : -2;
            }
            else if (option.Kind == TcpOptionKind.Sack)
            {
                if (sawSack)
                {
                    return TranslateResult.Malformed;
                }

                sawSack = true;
                int data = option.Data.Length;
                if (data is > 0 and <= TcpOptionKind.MaxSackBlocks * TcpOptionKind.SackBlockLength &&
                    data % TcpOptionKind.SackBlockLength == 0)
                {
                    sack = option.Offset;
                    sackBlocks = data / TcpOptionKind.SackBlockLength;
                }
            }
        }

        if (reader.IsMalformed)
        {
            return TranslateResult.Malformed;
        }

        at = new Located(source, destination, tcp, Math.Max(timestamps, -1), sack, sackBlocks);
        return TranslateResult.Translated;
    }

    /// <summary>Where the fields to edit are: addresses for the pseudo-header, the TCP view, option offsets (−1: absent).</summary>
    private readonly ref struct Located(Span<byte> source, Span<byte> destination, TcpHeader tcp,
        int timestampsOffset, int sackOffset, int sackBlocks)
    {
        public Span<byte> Source { get; } = source;

        public Span<byte> Destination { get; } = destination;

        public TcpHeader Tcp { get; } = tcp;

        public int TimestampsOffset { get; } = timestampsOffset;

        public int SackOffset { get; } = sackOffset;

        public int SackBlocks { get; } = sackBlocks;
    }
}
