using BenchmarkDotNet.Attributes;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Benchmarks;

/// <summary>
/// Per-packet cost of <see cref="TcpSegmentWriter"/> for what the Splice target injects: a handshake ACK with NOP NOP
/// TS carrying a full segment of request bytes (1448), and a bare ACK. The TCP checksum over the payload dominates.
/// </summary>
[MemoryDiagnoser]
public class TcpSegmentWriterBenchmarks
{
    private static readonly byte[] ClientV4 = [10, 77, 0, 1];
    private static readonly byte[] VipV4 = [10, 77, 0, 2];
    private static readonly byte[] ClientV6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    private static readonly byte[] VipV6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    private readonly byte[] _packet = new byte[1500 + 40];
    private readonly byte[] _payload = new byte[1448];

    /// <summary>True: IPv6 (40-byte header, RFC 8200 §8.1 pseudo-header); false: IPv4 with its header checksum.</summary>
    [Params(false, true)]
    public bool Ipv6 { get; set; }

    /// <summary>Payload bytes in the segment.</summary>
    [Params(0, 1448)]
    public int PayloadLength { get; set; }

    /// <summary>Writes IP header, TCP header, NOP NOP TS, payload and both checksums; returns the packet length.</summary>
    [Benchmark]
    public int TryWrite()
    {
        var writer = new TcpSegmentWriter
        {
            SourceAddress = Ipv6 ? ClientV6 : ClientV4,
            DestinationAddress = Ipv6 ? VipV6 : VipV4,
            SourcePort = 43514,
            DestinationPort = 80,
            SequenceNumber = new SeqNum(0xFFFF_0000u),
            AcknowledgmentNumber = new SeqNum(0x0000_FFFFu),
            Flags = TcpFlags.Ack | TcpFlags.Psh,
            Window = 502,
            Timestamps = new TcpTimestamps(new SeqNum(1), new SeqNum(2)),
            Payload = _payload.AsSpan(0, PayloadLength),
        };
        writer.TryWrite(_packet, out int written);
        return written;
    }
}
