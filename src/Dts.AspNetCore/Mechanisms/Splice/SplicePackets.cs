using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// Builds the packets the target injects "from the client" (RFC 791 / RFC 9293 §3.1 layouts): the replayed
/// SYN with options the origin did not agree to turned into NOPs, and the handshake ACK carrying bytes.
/// </summary>
internal static class SplicePackets
{
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
        Ipv4Header.MinLength + TcpHeader.MinLength + (timestamps ? TcpOptionKind.AlignedTimestampsLength : 0) + payloadLength;

    /// <summary>
    /// Writes an ACK (with PSH when it carries bytes) from the client to the VIP into <paramref name="packet"/>,
    /// which must be <see cref="Length"/> bytes: NOP NOP TS when <paramref name="timestamps"/> is given, DF, TTL 64.
    /// The IP checksum and identification are left to the kernel (IP_HDRINCL fills them).
    /// </summary>
    public static void WriteAck(Span<byte> packet, ReadOnlySpan<byte> client, ReadOnlySpan<byte> vip, ushort clientPort, ushort vipPort,
        SeqNum seq, SeqNum ack, ushort window, (uint TsVal, uint TsEcr)? timestamps, ReadOnlySpan<byte> payload, TcpFlags extraFlags = 0)
    {
        var segment = new TcpSegmentWriter
        {
            SourceAddress = client,
            DestinationAddress = vip,
            SourcePort = clientPort,
            DestinationPort = vipPort,
            SequenceNumber = seq,
            AcknowledgmentNumber = ack,
            Flags = TcpFlags.Ack | (payload.IsEmpty ? 0 : TcpFlags.Psh) | extraFlags,
            Window = window,
            Timestamps = timestamps is { } ts ? new TcpTimestamps(new SeqNum(ts.TsVal), new SeqNum(ts.TsEcr)) : null,
            Payload = payload,
            ComputeIpv4HeaderChecksum = false,
        };
        if (!segment.TryWrite(packet, out int written) || written != packet.Length)
        {
            throw new ArgumentException($"An injected segment needs {segment.PacketLength} bytes and IPv4 addresses.", nameof(packet));
        }
    }
}
