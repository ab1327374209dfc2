using System.Net;
using Dts.Core.Packets;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>
/// Test conveniences over Dts.Core's packet writer and views for the raw-socket and NFQUEUE tests: segments
/// addressed by <see cref="IPEndPoint"/>, and the TTL rewrite with checksums recomputed in full.
/// </summary>
internal static class Ipv4Packets
{
    /// <summary>
    /// <paramref name="segment"/> from <paramref name="source"/> to <paramref name="destination"/> as a complete
    /// IPv4 packet with both checksums set (TTL 64, DF and id 0 unless the segment says otherwise).
    /// </summary>
    public static byte[] Tcp(IPEndPoint source, IPEndPoint destination, TcpSegmentWriter segment)
    {
        segment = segment with
        {
            SourceAddress = source.Address.GetAddressBytes(),
            DestinationAddress = destination.Address.GetAddressBytes(),
            SourcePort = (ushort)source.Port,
            DestinationPort = (ushort)destination.Port,
        };
        byte[] packet = new byte[segment.PacketLength];
        Assert.True(segment.TryWrite(packet, out _), "an IPv4 TCP segment that fits");
        return packet;
    }

    /// <summary>
    /// Writes <paramref name="ttl"/> into the IPv4 packet and recomputes its header checksum in full; with
    /// <paramref name="completeTcpChecksum"/> also the TCP checksum in full (a CHECKSUM_PARTIAL segment's field
    /// holds only the pseudo-header sum). False, nothing changed, when the buffer is not an IPv4 packet
    /// (or, for the TCP checksum, not TCP).
    /// </summary>
    public static bool SetTtl(Span<byte> packet, byte ttl, bool completeTcpChecksum = false)
    {
        if (!Ipv4Header.TryRead(packet, out Ipv4Header ip))
        {
            return false;
        }

        TcpHeader tcp = default;
        if (completeTcpChecksum && (ip.Protocol != TcpHeader.ProtocolNumber || !TcpHeader.TryRead(ip.Payload, out tcp)))
        {
            return false;
        }

        ip.Ttl = ttl;
        ip.HeaderChecksum = ip.ComputeHeaderChecksum();
        return !completeTcpChecksum || tcp.TryUpdateChecksum(ip.SourceAddressBytes, ip.DestinationAddressBytes);
    }
}
