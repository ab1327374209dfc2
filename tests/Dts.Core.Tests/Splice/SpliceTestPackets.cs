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
/// Builds packets byte by byte from the RFC layouts (RFC 791, RFC 8200, RFC 9293 §3.1, RFC 7323 §3.2,
/// RFC 2018 §3) and reads translated ones back, with the independent checksum oracle of <see cref="ChecksumReference"/>.
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
            options.AddRange([TcpOptionKind.Timestamps, 10]);
            options.AddRange(BigEndian(s.TsVal));
            options.AddRange(BigEndian(s.TsEcr));
        }

        if (s.Sack.Length > 0)
        {
            options.AddRange([TcpOptionKind.Sack, (byte)(2 + (8 * s.Sack.Length))]);
            foreach (RawSack b in s.Sack)
            {
                options.AddRange(BigEndian(b.Left));
                options.AddRange(BigEndian(b.Right));
            }
        }

        while (options.Count % 4 != 0)
        {
            options.Add(TcpOptionKind.Nop);
        }

        if (options.Count > 40)
        {
            throw new ArgumentException("options do not fit", nameof(s));
        }

        byte[] segment = new byte[20 + options.Count + s.PayloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(segment, s.Egress ? VipPort : ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), s.Egress ? ClientPort : VipPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), s.Seq);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), s.Ack);
        segment[12] = (byte)((20 + options.Count) / 4 << 4);
        segment[13] = (byte)s.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), s.Window);
        options.CopyTo(segment, 20);
        for (int i = 20 + options.Count; i < segment.Length; i++)
        {
            segment[i] = (byte)((i * 31) + 7);
        }

        (byte[] src, byte[] dst) = Addresses(s.Ipv6, s.Egress);
        ushort checksum = s.NotReady ? PseudoHeaderSum(src, dst, segment.Length) : ChecksumReference.TcpChecksum(src, dst, segment);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), checksum);
        return Wrap(s.Ipv6, src, dst, segment);
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

    public static byte[] Wrap(bool ipv6, byte[] src, byte[] dst, byte[] segment, byte protocol = TcpHeader.ProtocolNumber)
    {
        if (ipv6)
        {
            byte[] v6 = new byte[40 + segment.Length];
            v6[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(v6.AsSpan(4), (ushort)segment.Length);
            v6[6] = protocol;
            v6[7] = 64;
            src.CopyTo(v6, 8);
            dst.CopyTo(v6, 24);
            segment.CopyTo(v6, 40);
            return v6;
        }

        byte[] v4 = new byte[20 + segment.Length];
        v4[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(2), (ushort)v4.Length);
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(4), 0x1234);
        v4[6] = 0x40; // DF
        v4[8] = 64;
        v4[9] = protocol;
        src.CopyTo(v4, 12);
        dst.CopyTo(v4, 16);
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(10), (ushort)~ChecksumReference.OnesComplementSum(v4[..20]));
        segment.CopyTo(v4, 20);
        return v4;
    }

    public static int IpHeaderLength(byte[] packet) => packet[0] >> 4 == 6 ? 40 : (packet[0] & 0x0F) * 4;

    public static byte[] Segment(byte[] packet) => packet[IpHeaderLength(packet)..];

    /// <summary>The TCP checksum in <paramref name="packet"/> is right, by the library and by the RFC 1071 oracle.</summary>
    public static bool ChecksumValid(byte[] packet)
    {
        bool v6 = packet[0] >> 4 == 6;
        byte[] src = v6 ? packet[8..24] : packet[12..16];
        byte[] dst = v6 ? packet[24..40] : packet[16..20];
        byte[] segment = Segment(packet);
        ushort field = BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(16));
        ushort reference = ChecksumReference.TcpChecksum(src, dst, segment);
        bool oracle = field == reference || (field is 0 or 0xFFFF && reference is 0 or 0xFFFF);
        return oracle && InternetChecksum.IsTcpValid(src, dst, segment);
    }

    public static SeqNum Seq(byte[] packet) => new(BinaryPrimitives.ReadUInt32BigEndian(Segment(packet).AsSpan(4)));

    public static SeqNum Ack(byte[] packet) => new(BinaryPrimitives.ReadUInt32BigEndian(Segment(packet).AsSpan(8)));

    public static ushort Window(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(Segment(packet).AsSpan(14));

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
