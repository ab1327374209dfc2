using System.Buffers.Binary;
using System.Net;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>Builds and patches IPv4/TCP packets for the raw-socket and NFQUEUE tests (RFC 791, RFC 9293, RFC 1071).</summary>
internal static class Ipv4Packets
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;

    /// <summary>A complete IPv4 TCP segment with both checksums set; TTL 64, DF, id 0.</summary>
    public static byte[] Tcp(IPEndPoint source, IPEndPoint destination, uint seq, uint ack, byte flags, ushort window,
        ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        int tcpLength = 20 + options.Length;
        byte[] packet = new byte[20 + tcpLength + payload.Length];
        Span<byte> ip = packet;
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);
        ip[8] = 64;
        ip[9] = 6;
        source.Address.TryWriteBytes(ip[12..], out _);
        destination.Address.TryWriteBytes(ip[16..], out _);
        Span<byte> tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)destination.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = (byte)(tcpLength / 4 << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        options.CopyTo(tcp[20..]);
        payload.CopyTo(tcp[tcpLength..]);
        FixIpChecksum(packet);
        FixTcpChecksum(packet);
        return packet;
    }

    public static int HeaderLength(ReadOnlySpan<byte> ip) => (ip[0] & 0x0f) * 4;

    public static bool IsTcp(ReadOnlySpan<byte> ip) => ip.Length >= 40 && ip[0] >> 4 == 4 && ip[9] == 6;

    public static ReadOnlySpan<byte> TcpHeader(ReadOnlySpan<byte> ip) => ip[HeaderLength(ip)..];

    public static ushort DestinationPort(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(TcpHeader(ip)[2..]);

    public static ushort SourcePort(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(TcpHeader(ip));

    public static uint Seq(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt32BigEndian(TcpHeader(ip)[4..]);

    public static uint AckNumber(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt32BigEndian(TcpHeader(ip)[8..]);

    public static byte Flags(ReadOnlySpan<byte> ip) => TcpHeader(ip)[13];

    /// <summary>Recomputes the IPv4 header checksum.</summary>
    public static void FixIpChecksum(Span<byte> ip)
    {
        int ihl = HeaderLength(ip);
        ip[10] = ip[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Fold(Sum(ip[..ihl], 0)));
    }

    /// <summary>Recomputes the full TCP checksum over pseudo-header, header and payload (length from the IP header).</summary>
    public static void FixTcpChecksum(Span<byte> ip)
    {
        int ihl = HeaderLength(ip);
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        Span<byte> tcp = ip[ihl..total];
        tcp[16] = tcp[17] = 0;
        ulong sum = Sum(ip.Slice(12, 8), 0) + 6u + (uint)tcp.Length;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Fold(Sum(tcp, sum)));
    }

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
