using BenchmarkDotNet.Attributes;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;

namespace Dts.Core.Benchmarks;

/// <summary>The shapes of packet the Splice translator sees most, or at its most expensive.</summary>
public enum PacketShape
{
    /// <summary>A full-MSS data segment: 1448 bytes of payload, NOP NOP TS (IPv4, 1500 bytes).</summary>
    Data1448,

    /// <summary>A pure ACK with NOP NOP TS and NOP NOP SACK of 3 blocks: a 40-byte option area.</summary>
    AckSack3,

    /// <summary>A GSO/GRO super-packet: IPv4 total length 65535, NOP NOP TS.</summary>
    Gso64K,
}

/// <summary>
/// Per-packet cost of <see cref="SpliceTranslator"/>, egress and ingress, with the incremental (RFC 1624) and the
/// full (checksum not ready) checksum paths. Each call translates the same buffer again; the work per call is the
/// same whatever the previous values were.
/// </summary>
[MemoryDiagnoser]
public class SpliceTranslatorBenchmarks
{
    private static readonly byte[] Client = [10, 77, 0, 1];
    private static readonly byte[] Vip = [10, 77, 0, 2];
    private static readonly TcpTimestamps Timestamps = new(new SeqNum(1), new SeqNum(2));
    private static readonly SackBlock[] ThreeSackBlocks = new SackBlock[3];

    private readonly SpliceRules _rules = new(0x8000_0001u, 0x0012_3456u, 7, 7);
    private byte[] _egress = [];
    private byte[] _ingress = [];

    /// <summary>The packet shape.</summary>
    [Params(PacketShape.Data1448, PacketShape.AckSack3, PacketShape.Gso64K)]
    public PacketShape Shape { get; set; }

    /// <summary>True: CHECKSUM_PARTIAL input, full recompute; false: RFC 1624 incremental update.</summary>
    [Params(false, true)]
    public bool NotReady { get; set; }

    /// <summary>Builds the two packets.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (int sackBlocks, int payload) = Shape switch
        {
            PacketShape.Data1448 => (0, 1448),
            PacketShape.AckSack3 => (3, 0),
            _ => (0, Ipv4Header.MaxTotalLength - Ipv4Header.MinLength - TcpHeader.MinLength - TcpOptionKind.AlignedTimestampsLength),
        };
        _egress = Build(Vip, Client, sackBlocks, payload, NotReady);
        _ingress = Build(Client, Vip, sackBlocks, payload, NotReady);
    }

    /// <summary>Target → client: SEQ, TSval (and window) rewritten.</summary>
    [Benchmark]
    public TranslateResult Egress() => SpliceTranslator.TranslateEgress(_egress, _rules, NotReady);

    /// <summary>Client → target: ACK, TSecr and SACK edges rewritten.</summary>
    [Benchmark]
    public TranslateResult Ingress() => SpliceTranslator.TranslateIngress(_ingress, _rules, NotReady);

    /// <summary>An IPv4 ACK, 8080 → 43514, NOP NOP TS and <paramref name="sackBlocks"/> SACK blocks, both checksums set.</summary>
    private static byte[] Build(byte[] source, byte[] destination, int sackBlocks, int payloadLength, bool notReady)
    {
        int headerLength = TcpHeader.MinLength + TcpOptionKind.AlignedTimestampsLength +
            (sackBlocks == 0 ? 0 : 2 + TcpOptionKind.SackHeaderLength + (sackBlocks * TcpOptionKind.SackBlockLength));
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(headerLength + i);
        }

        var writer = new TcpSegmentWriter
        {
            SourceAddress = source,
            DestinationAddress = destination,
            SourcePort = 8080,
            DestinationPort = 43514,
            SequenceNumber = new SeqNum(0xFFFF_0000u),
            AcknowledgmentNumber = new SeqNum(0x0000_FFFFu),
            Flags = TcpFlags.Ack,
            Window = 1024,
            Timestamps = Timestamps,
            SackBlocks = ThreeSackBlocks.AsSpan(0, sackBlocks),
            Payload = payload,
        };
        byte[] packet = new byte[writer.PacketLength];
        if (!writer.TryWrite(packet, out _) || writer.TcpHeaderLength != headerLength ||
            !Ipv4Header.TryRead(packet, out Ipv4Header ip) || !TcpHeader.TryRead(ip.Payload, out TcpHeader header))
        {
            throw new InvalidOperationException("bad benchmark packet");
        }

        if (notReady)
        {
            InternetChecksum.TryPseudoHeaderSum(source, destination, TcpHeader.ProtocolNumber, (uint)header.Segment.Length, out ushort sum);
            header.Checksum = sum;
        }

        return packet;
    }
}
