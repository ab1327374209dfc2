using System.Buffers.Binary;
using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// Writes one TCP segment (RFC 9293 §3.1), alone or behind an IPv4 (RFC 791 §3.1) or IPv6 (RFC 8200 §3) header,
/// into a caller's buffer, with the TCP checksum over the pseudo-header (RFC 9293 §3.1 for IPv4, RFC 8200 §8.1
/// for IPv6). Set the fields with an object initializer, then call <see cref="TryWrite"/> or
/// <see cref="TryWriteSegment"/>; the writer holds spans, so it lives on the stack only as long as they do. The
/// address length picks the family: 4 bytes each for IPv4, 16 for IPv6. Values are host order, the wire network
/// order; lengths are in bytes. The typed options are laid out as Linux's <c>tcp_options_write</c> does (see
/// <see cref="OptionsLength"/>), so a segment the kernel would send can be reproduced byte for byte.
/// Never throws or allocates; writes only <see cref="PacketLength"/> (or <see cref="SegmentLength"/>) bytes.
/// </summary>
public readonly ref partial struct TcpSegmentWriter
{
    /// <summary>
    /// A writer with a hop limit of 64, DF set and the IPv4 header checksum computed; every other field 0 or absent.
    /// <c>default(TcpSegmentWriter)</c> skips these (hop limit 0, DF clear, no IPv4 header checksum): use <c>new</c>.
    /// </summary>
    public TcpSegmentWriter()
    {
    }

    /// <summary>Source address, network order: 4 bytes (IPv4) or 16 (IPv6).</summary>
    public ReadOnlySpan<byte> SourceAddress { get; init; }

    /// <summary>Destination address, network order, the same length as <see cref="SourceAddress"/>.</summary>
    public ReadOnlySpan<byte> DestinationAddress { get; init; }

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Sequence number of the first data byte (the ISN on a SYN).</summary>
    public SeqNum SequenceNumber { get; init; }

    /// <summary>Acknowledgment number; written whatever the flags (the receiver reads it only with ACK).</summary>
    public SeqNum AcknowledgmentNumber { get; init; }

    /// <summary>The control bits.</summary>
    public TcpFlags Flags { get; init; }

    /// <summary>The raw 16-bit window field, already scaled down by the sender's shift (RFC 7323 §2.2).</summary>
    public ushort Window { get; init; }

    /// <summary>The urgent pointer (RFC 9293 §3.1), meaningful with URG.</summary>
    public ushort UrgentPointer { get; init; }

    /// <summary>Maximum segment size in bytes (RFC 9293 §3.7.1), normally on a SYN only; null for none.</summary>
    public ushort? Mss { get; init; }

    /// <summary>Window scale shift count (RFC 7323 §2.2), on a SYN only; null for none.</summary>
    public byte? WindowScale { get; init; }

    /// <summary>SACK-permitted (RFC 2018 §2), on a SYN only.</summary>
    public bool SackPermitted { get; init; }

    /// <summary>TSval and TSecr (RFC 7323 §3.2); null for no timestamps option.</summary>
    public TcpTimestamps? Timestamps { get; init; }

    /// <summary>SACK blocks (RFC 2018 §3), 0..4 (0..3 next to timestamps, for the 40-byte limit); empty for none.</summary>
    public ReadOnlySpan<SackBlock> SackBlocks { get; init; }

    /// <summary>Option bytes written verbatim after the typed options, e.g. an unusual layout a test needs.</summary>
    public ReadOnlySpan<byte> RawOptions { get; init; }

    /// <summary>The payload, copied after the header. Must not overlap the destination buffer.</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>IPv4 TTL or IPv6 hop limit, in hops. 64 unless set.</summary>
    public byte HopLimit { get; init; } = 64;

    /// <summary>IPv4 type of service or IPv6 traffic class (DSCP and ECN).</summary>
    public byte TrafficClass { get; init; }

    /// <summary>IPv6 flow label (20 bits, RFC 6437); ignored for IPv4.</summary>
    public uint FlowLabel { get; init; }

    /// <summary>IPv4 identification; ignored for IPv6. 0 lets a raw socket with IP_HDRINCL pick one.</summary>
    public ushort Identification { get; init; }

    /// <summary>IPv4 DF bit; ignored for IPv6. Set unless cleared.</summary>
    public bool DontFragment { get; init; } = true;

    /// <summary>
    /// Computes the IPv4 header checksum (RFC 791 §3.1) unless cleared; when cleared the field is 0, which a raw
    /// socket with IP_HDRINCL fills on send. Ignored for IPv6, which has no header checksum.
    /// </summary>
    public bool ComputeIpv4HeaderChecksum { get; init; } = true;

    /// <summary>True when both addresses are 16 bytes (IPv6); false for anything else.</summary>
    public bool IsIpv6 => SourceAddress.Length == Ipv6Header.AddressLength;

    /// <summary>Length of the IP header <see cref="TryWrite"/> writes: 20 (IPv4, no options) or 40 (IPv6).</summary>
    public int IpHeaderLength => IsIpv6 ? Ipv6Header.Length : Ipv4Header.MinLength;

    /// <summary>Length of the TCP header: 20 plus <see cref="OptionsLength"/>.</summary>
    public int TcpHeaderLength => TcpHeader.MinLength + OptionsLength;

    /// <summary>Length of the TCP segment, header and payload (the IP payload).</summary>
    public int SegmentLength => TcpHeaderLength + Payload.Length;

    /// <summary>Length of the whole packet <see cref="TryWrite"/> writes: IP header and segment.</summary>
    public int PacketLength => IpHeaderLength + SegmentLength;

    /// <summary>
    /// Writes the IP header and the segment into the first <see cref="PacketLength"/> bytes of
    /// <paramref name="packet"/> and sets <paramref name="bytesWritten"/> to that length. False, nothing written
    /// and 0, when the buffer is too small, the addresses are not both 4 or both 16 bytes, the options exceed
    /// 40 bytes or more than 4 SACK blocks are given, the length does not fit the IP length field (65535), or
    /// the flow label exceeds 20 bits.
    /// </summary>
    public bool TryWrite(Span<byte> packet, out int bytesWritten)
    {
        bytesWritten = 0;
        int ipHeaderLength = IpHeaderLength;
        if (!IsValid() || packet.Length < PacketLength)
        {
            return false;
        }

        int segmentLength = SegmentLength;
        bool ok = IsIpv6
            ? Ipv6Header.TryWrite(packet, SourceAddress, DestinationAddress, TcpHeader.ProtocolNumber, segmentLength,
                HopLimit, TrafficClass, FlowLabel)
            : Ipv4Header.TryWrite(packet, SourceAddress, DestinationAddress, TcpHeader.ProtocolNumber, segmentLength,
                HopLimit, Identification, DontFragment, TrafficClass, ComputeIpv4HeaderChecksum);
        if (!ok)
        {
            return false;
        }

        WriteSegment(packet.Slice(ipHeaderLength, segmentLength));
        bytesWritten = ipHeaderLength + segmentLength;
        return true;
    }

    /// <summary>
    /// Writes the TCP segment alone (header, options, payload, checksum with the pseudo-header of the addresses)
    /// into the first <see cref="SegmentLength"/> bytes of <paramref name="segment"/>, for a caller that writes
    /// the IP header itself. False, nothing written and 0, on the conditions of <see cref="TryWrite"/>.
    /// </summary>
    public bool TryWriteSegment(Span<byte> segment, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!IsValid() || segment.Length < SegmentLength ||
            SegmentLength > (IsIpv6 ? Ipv6Header.MaxPayloadLength : Ipv4Header.MaxTotalLength - Ipv4Header.MinLength))
        {
            return false;
        }

        bytesWritten = SegmentLength;
        WriteSegment(segment[..bytesWritten]);
        return true;
    }

    private bool IsValid() =>
        SourceAddress.Length == DestinationAddress.Length &&
        SourceAddress.Length is Ipv4Header.AddressLength or Ipv6Header.AddressLength &&
        SackBlocks.Length <= TcpOptionKind.MaxSackBlocks &&
        RawOptions.Length <= TcpHeader.MaxOptionsLength &&
        OptionsLength <= TcpHeader.MaxOptionsLength;

    /// <summary>Writes header, options, payload and checksum into <paramref name="segment"/>, exactly <see cref="SegmentLength"/> bytes.</summary>
    private void WriteSegment(Span<byte> segment)
    {
        int headerLength = TcpHeaderLength;
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.SourcePortOffset..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.DestinationPortOffset..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment[TcpHeader.SequenceNumberOffset..], SequenceNumber.Value);
        BinaryPrimitives.WriteUInt32BigEndian(segment[TcpHeader.AcknowledgmentNumberOffset..], AcknowledgmentNumber.Value);
        segment[TcpHeader.DataOffsetOffset] = (byte)((headerLength / 4) << 4);
        segment[TcpHeader.FlagsOffset] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.WindowOffset..], Window);
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.UrgentPointerOffset..], UrgentPointer);
        WriteOptions(segment[TcpHeader.MinLength..headerLength]);
        Payload.CopyTo(segment[headerLength..]);

        InternetChecksum.TryComputeTcp(SourceAddress, DestinationAddress, segment, out ushort checksum);
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.ChecksumOffset..], checksum);
    }
}
