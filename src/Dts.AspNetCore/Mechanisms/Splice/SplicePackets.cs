using System.Buffers.Binary;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// Builds the packets the target injects "from the client" (RFC 791 / RFC 9293 §3.1 layouts): the replayed
/// SYN with options the origin did not agree to turned into NOPs, and the handshake ACK carrying bytes.
/// </summary>
internal static class SplicePackets
{
    private const int Ipv4HeaderLength = 20;
    private const int TcpHeaderLength = 20;
    private const int TimestampsOptionLength = 12; // NOP NOP TS(10)

    /// <summary>
    /// Copies the saved SYN and NOPs the SACK-permitted, timestamps and window-scale options the origin's
    /// connection did not end up with, so the target agrees to exactly what the client saw. False when
    /// <paramref name="savedSyn"/> is not an IPv4 TCP SYN.
    /// </summary>
    public static bool TryPrepareSyn(ReadOnlySpan<byte> savedSyn, bool sack, bool timestamps, bool windowScaling, out byte[] syn)
    {
        syn = savedSyn.ToArray();
        if (!Ipv4Header.TryRead(syn, out var ip) || ip.Protocol != TcpHeader.ProtocolNumber
            || !TcpHeader.TryRead(ip.Payload, out var tcp) || (tcp.Flags & TcpFlags.Syn) == 0)
        {
            return false;
        }
        var options = tcp.Options;
        foreach (var option in tcp.OptionsView)
        {
            var drop = (option.Kind == TcpOptionKind.SackPermitted && !sack)
                || (option.Kind == TcpOptionKind.Timestamps && !timestamps)
                || (option.Kind == TcpOptionKind.WindowScale && !windowScaling);
            if (drop)
            {
                options.Slice(option.Offset, option.Length).Fill(TcpOptionKind.Nop);
            }
        }
        return tcp.TryUpdateChecksum(ip.SourceAddressBytes, ip.DestinationAddressBytes);
    }

    /// <summary>The length of an injected segment with <paramref name="payloadLength"/> bytes.</summary>
    public static int Length(int payloadLength, bool timestamps) =>
        Ipv4HeaderLength + TcpHeaderLength + (timestamps ? TimestampsOptionLength : 0) + payloadLength;

    /// <summary>
    /// Writes an ACK (with PSH when it carries bytes) from the client to the VIP into <paramref name="packet"/>,
    /// which must be <see cref="Length"/> bytes. The IP checksum is left to the kernel (IP_HDRINCL fills it).
    /// </summary>
    public static void WriteAck(Span<byte> packet, ReadOnlySpan<byte> client, ReadOnlySpan<byte> vip, ushort clientPort, ushort vipPort,
        SeqNum seq, SeqNum ack, ushort window, (uint TsVal, uint TsEcr)? timestamps, ReadOnlySpan<byte> payload, TcpFlags extraFlags = 0)
    {
        var tcpLength = TcpHeaderLength + (timestamps is null ? 0 : TimestampsOptionLength);
        packet.Clear();
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], 0x4000); // DF
        packet[8] = 64;
        packet[9] = TcpHeader.ProtocolNumber;
        client.CopyTo(packet[12..16]);
        vip.CopyTo(packet[16..20]);

        var tcp = packet[Ipv4HeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, clientPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], vipPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq.Value);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack.Value);
        tcp[12] = (byte)((tcpLength / 4) << 4);
        tcp[13] = (byte)(TcpFlags.Ack | (payload.IsEmpty ? 0 : TcpFlags.Psh) | extraFlags);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        if (timestamps is { } ts)
        {
            tcp[20] = TcpOptionKind.Nop;
            tcp[21] = TcpOptionKind.Nop;
            tcp[22] = TcpOptionKind.Timestamps;
            tcp[23] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(tcp[24..], ts.TsVal);
            BinaryPrimitives.WriteUInt32BigEndian(tcp[28..], ts.TsEcr);
        }
        payload.CopyTo(tcp[tcpLength..]);
        TcpHeader.TryRead(tcp, out var header);
        header.TryUpdateChecksum(client, vip);
    }
}
