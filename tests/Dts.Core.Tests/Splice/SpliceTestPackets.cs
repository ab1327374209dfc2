using System.Buffers.Binary;
using CsCheck;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using Dts.Core.Tests.Packets;

namespace Dts.Core.Tests.Splice;

/// <summary>One SACK block as raw edges (RFC 2018 §3).</summary>
internal readonly record struct RawSack(uint Left, uint Right);

/// <summary>A TCP/IP packet to build, field by field.</summary>
internal sealed record SegmentSpec(
    bool Ipv6,
    bool Egress,
    TcpFlags Flags,
    uint Seq,
    uint Ack,
    ushort Window,
    bool HasTimestamps,
    uint TsVal,
    uint TsEcr,
    RawSack[] Sack,
    int LeadingNops,
    int PayloadLength,
    bool NotReady)
{
    public override string ToString() =>
        $"v6={Ipv6} egress={Egress} flags={Flags} seq={Seq} ack={Ack} win={Window} ts={HasTimestamps}:{TsVal}/{TsEcr} " +
        $"sack=[{string.Join(",", Sack.Select(b => $"{b.Left}-{b.Right}"))}] nops={LeadingNops} len={PayloadLength} notReady={NotReady}";
}

/// <summary>
/// Builds packets with <see cref="TcpSegmentWriter"/> (option bytes laid out here, RFC 7323 §3.2, RFC 2018 §3, so
/// the tests choose their alignment) and reads translated ones back; every checksum is held against the
/// independent oracle of <see cref="ChecksumReference"/>.
/// </summary>
internal static class SpliceTestPackets
{
    public static readonly byte[] ClientV4 = [10, 77, 0, 1];
    public static readonly byte[] VipV4 = [10, 77, 0, 2];
    public static readonly byte[] ClientV6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    public static readonly byte[] VipV6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    public const ushort ClientPort = 43514;
    public const ushort VipPort = 8080;

    /// <summary>Sequence numbers with extra weight within 2^16 of the wrap, where plain uint arithmetic breaks.</summary>
    public static readonly Gen<uint> Isn = Gen.OneOf(Gen.UInt, Gen.UInt[0xFFFF0000u, 0xFFFFFFFFu], Gen.UInt[0u, 0xFFFFu]);

    public static readonly Gen<SpliceRules> Rules =
        Gen.Select(Isn, Isn, Gen.Byte[0, 15], Gen.Byte[0, 15]).Select((s, t, wt, wo) => new SpliceRules(s, t, wt, wo));

    public static readonly Gen<TcpFlags> NonSynFlags = Gen.Byte.Select(b => (TcpFlags)(b & ~(byte)TcpFlags.Syn));

    /// <summary>Blocks [left, left+len) with len in 1..2^30 and left anywhere, wrap included.</summary>
    public static readonly Gen<RawSack[]> Sacks =
        Gen.Select(Isn, Gen.UInt[1u, 1u << 30]).Select((l, n) => new RawSack(l, unchecked(l + n))).Array[0, 4];

    public static readonly Gen<SegmentSpec> Segments =
        Gen.Select(Gen.Bool, Gen.Bool, NonSynFlags, Isn, Isn, Gen.UShort,
            Gen.Select(Gen.Bool, Gen.UInt, Gen.UInt), Gen.Select(Sacks, Gen.Int[0, 3], Gen.Int[0, 1448], Gen.Bool))
        .Select((v6, egress, flags, seq, ack, window, ts, rest) => new SegmentSpec(
            v6, egress, flags, seq, ack, window, ts.Item1, ts.Item2, ts.Item3,
            ts.Item1 && rest.Item1.Length > 3 ? rest.Item1[..3] : rest.Item1,
            rest.Item2, rest.Item3, rest.Item4));

    public static byte[] Build(SegmentSpec s)
    {
        var options = new List<byte>();
        options.AddRange(Enumerable.Repeat(TcpOptionKind.Nop, s.LeadingNops));
        if (s.HasTimestamps)
        {
            options.AddRange([TcpOptionKind.Timestamps, TcpOptionKind.TimestampsLength]);
            options.AddRange(BigEndian(s.TsVal));
            options.AddRange(BigEndian(s.TsEcr));
        }

        if (s.Sack.Length > 0)
        {
            options.AddRange([TcpOptionKind.Sack, (byte)(TcpOptionKind.SackHeaderLength + (TcpOptionKind.SackBlockLength * s.Sack.Length))]);
            foreach (RawSack b in s.Sack)
            {
                options.AddRange(BigEndian(b.Left));
                options.AddRange(BigEndian(b.Right));
            }
        }

        // Options in this order and alignment (TS right after the leading NOPs, SACK with none) are raw: the typed
        // ones would be laid out as Linux does. The payload bytes depend on their offset in the segment.
        int headerLength = TcpHeader.MinLength + ((options.Count + 3) & ~3);
        byte[] payload = new byte[s.PayloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(((headerLength + i) * 31) + 7);
        }

        (byte[] src, byte[] dst) = Addresses(s.Ipv6, s.Egress);
        var writer = new TcpSegmentWriter
        {
            SourceAddress = src,
            DestinationAddress = dst,
            SourcePort = s.Egress ? VipPort : ClientPort,
            DestinationPort = s.Egress ? ClientPort : VipPort,
            SequenceNumber = new SeqNum(s.Seq),
            AcknowledgmentNumber = new SeqNum(s.Ack),
            Flags = s.Flags,
            Window = s.Window,
            RawOptions = options.ToArray(),
            Payload = payload,
            Identification = 0x1234,
        };
        byte[] packet = new byte[writer.PacketLength];
        Assert.True(writer.TryWrite(packet, out _), $"options do not fit: {s}");
        Assert.Equal(headerLength, writer.TcpHeaderLength);

        // The writer's checksums, held against the RFC 1071 oracle; a CHECKSUM_PARTIAL packet gets the pseudo-header sum.
        Span<byte> segment = packet.AsSpan(IpHeaderLength(packet));
        ushort reference = ChecksumReference.TcpChecksum(src, dst, segment.ToArray());
        Assert.Equal(reference, BinaryPrimitives.ReadUInt16BigEndian(segment[TcpHeader.ChecksumOffset..]));
        Assert.True(s.Ipv6 || ChecksumReference.OnesComplementSum(packet[..Ipv4Header.MinLength]) == 0xFFFF);
        if (s.NotReady)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[TcpHeader.ChecksumOffset..], PseudoHeaderSum(src, dst, segment.Length));
        }

        return packet;
    }

    public static (byte[] Source, byte[] Destination) Addresses(bool ipv6, bool egress) => ipv6
        ? (egress ? (VipV6, ClientV6) : (ClientV6, VipV6))
        : (egress ? (VipV4, ClientV4) : (ClientV4, VipV4));

    /// <summary>The CHECKSUM_PARTIAL content of the field: the folded, uncomplemented pseudo-header sum.</summary>
    public static ushort PseudoHeaderSum(byte[] src, byte[] dst, int tcpLength)
    {
        Assert.True(InternetChecksum.TryPseudoHeaderSum(src, dst, TcpHeader.ProtocolNumber, (uint)tcpLength, out ushort sum));
        return sum;
    }

    /// <summary>
    /// <paramref name="segment"/> (any bytes, under any <paramref name="protocol"/>) behind an IPv4 (id 0x1234, DF,
    /// TTL 64, header checksum set) or IPv6 (hop limit 64) header.
    /// </summary>
    public static byte[] Wrap(bool ipv6, byte[] src, byte[] dst, byte[] segment, byte protocol = TcpHeader.ProtocolNumber)
    {
        int headerLength = ipv6 ? Ipv6Header.Length : Ipv4Header.MinLength;
        byte[] packet = new byte[headerLength + segment.Length];
        Assert.True(ipv6
            ? Ipv6Header.TryWrite(packet, src, dst, protocol, segment.Length)
            : Ipv4Header.TryWrite(packet, src, dst, protocol, segment.Length, identification: 0x1234));
        Assert.True(ipv6 || ChecksumReference.OnesComplementSum(packet[..Ipv4Header.MinLength]) == 0xFFFF);
        segment.CopyTo(packet, headerLength);
        return packet;
    }

    public static int IpHeaderLength(byte[] packet) => packet[0] >> 4 == Ipv6Header.Version ? Ipv6Header.Length : (packet[0] & 0x0F) * 4;

    public static byte[] Segment(byte[] packet) => packet[IpHeaderLength(packet)..];

    /// <summary>The TCP checksum in <paramref name="packet"/> is right, by the library and by the RFC 1071 oracle.</summary>
    public static bool ChecksumValid(byte[] packet)
    {
        bool v6 = packet[0] >> 4 == Ipv6Header.Version;
        byte[] src = v6
            ? packet.AsSpan(Ipv6Header.SourceAddressOffset, Ipv6Header.AddressLength).ToArray()
            : packet.AsSpan(Ipv4Header.SourceAddressOffset, Ipv4Header.AddressLength).ToArray();
        byte[] dst = v6
            ? packet.AsSpan(Ipv6Header.DestinationAddressOffset, Ipv6Header.AddressLength).ToArray()
            : packet.AsSpan(Ipv4Header.DestinationAddressOffset, Ipv4Header.AddressLength).ToArray();
        byte[] segment = Segment(packet);
        ushort field = BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(TcpHeader.ChecksumOffset));
        ushort reference = ChecksumReference.TcpChecksum(src, dst, segment);
        bool oracle = field == reference || (field is 0 or 0xFFFF && reference is 0 or 0xFFFF);
        return oracle && InternetChecksum.IsTcpValid(src, dst, segment);
    }

    public static SeqNum Seq(byte[] packet) => new(BinaryPrimitives.ReadUInt32BigEndian(Segment(packet).AsSpan(TcpHeader.SequenceNumberOffset)));

    public static SeqNum Ack(byte[] packet) => new(BinaryPrimitives.ReadUInt32BigEndian(Segment(packet).AsSpan(TcpHeader.AcknowledgmentNumberOffset)));

    public static ushort Window(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(Segment(packet).AsSpan(TcpHeader.WindowOffset));

    public static TcpTimestamps Timestamps(byte[] packet)
    {
        byte[] segment = Segment(packet);
        Assert.True(TcpHeader.TryRead(segment, out TcpHeader tcp));
        Assert.True(tcp.OptionsView.TryGetTimestamps(out TcpTimestamps ts));
        return ts;
    }

    public static SackBlock[] SackBlocks(byte[] packet)
    {
        byte[] segment = Segment(packet);
        Assert.True(TcpHeader.TryRead(segment, out TcpHeader tcp));
        TcpOptions options = tcp.OptionsView;
        var blocks = new SackBlock[options.SackBlockCount];
        for (int i = 0; i < blocks.Length; i++)
        {
            Assert.True(options.TryGetSackBlock(i, out blocks[i]));
        }

        return blocks;
    }

    /// <summary>Every byte but the TCP checksum field (whose 0x0000/0xFFFF spelling may differ).</summary>
    public static byte[] WithoutChecksum(byte[] packet)
    {
        byte[] copy = (byte[])packet.Clone();
        int at = IpHeaderLength(packet) + TcpHeader.ChecksumOffset;
        copy[at] = 0;
        copy[at + 1] = 0;
        return copy;
    }

    private static byte[] BigEndian(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
