using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Dts.Core.Packets;
using Dts.Core.Splice;

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
    private static readonly byte[] TimestampsOption = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    private static readonly byte[] SackOption = [1, 1, 5, 26, .. new byte[24]];

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
        (byte[] options, int payload) = Shape switch
        {
            PacketShape.Data1448 => (TimestampsOption, 1448),
            PacketShape.AckSack3 => ([.. TimestampsOption, .. SackOption], 0),
            _ => (TimestampsOption, 65535 - 20 - 20 - TimestampsOption.Length),
        };
        _egress = Build(Vip, Client, options, payload, NotReady);
        _ingress = Build(Client, Vip, options, payload, NotReady);
    }

    /// <summary>Target → client: SEQ, TSval (and window) rewritten.</summary>
    [Benchmark]
    public TranslateResult Egress() => SpliceTranslator.TranslateEgress(_egress, _rules, NotReady);

    /// <summary>Client → target: ACK, TSecr and SACK edges rewritten.</summary>
    [Benchmark]
    public TranslateResult Ingress() => SpliceTranslator.TranslateIngress(_ingress, _rules, NotReady);

    private static byte[] Build(byte[] source, byte[] destination, byte[] options, int payload, bool notReady)
    {
        int tcpLength = 20 + options.Length + payload;
        byte[] packet = new byte[20 + tcpLength];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = TcpHeader.ProtocolNumber;
        source.CopyTo(packet, 12);
        destination.CopyTo(packet, 16);
        Span<byte> tcp = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 8080);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 43514);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 0xFFFF_0000u);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0x0000_FFFFu);
        tcp[12] = (byte)((20 + options.Length) / 4 << 4);
        tcp[13] = (byte)TcpFlags.Ack;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 1024);
        options.CopyTo(tcp[20..]);
        for (int i = 20 + options.Length; i < tcp.Length; i++)
        {
            tcp[i] = (byte)i;
        }

        if (!Ipv4Header.TryRead(packet, out Ipv4Header ip) || !TcpHeader.TryRead(ip.Payload, out TcpHeader header))
        {
            throw new InvalidOperationException("bad benchmark packet");
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), ip.ComputeHeaderChecksum());
        if (notReady)
        {
            InternetChecksum.TryPseudoHeaderSum(source, destination, TcpHeader.ProtocolNumber, (uint)tcpLength, out ushort sum);
            header.Checksum = sum;
        }
        else
        {
            header.TryUpdateChecksum(source, destination);
        }

        return packet;
    }
}
