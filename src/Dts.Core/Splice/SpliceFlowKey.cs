using System.Buffers.Binary;
using Dts.Core.Packets;

namespace Dts.Core.Splice;

/// <summary>
/// Identifies a spliced flow from the packet filter's side without allocating: the client's address and port and
/// the local (VIP) port. IPv4 addresses are held IPv4-mapped (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) so one key type
/// serves both families. The VIP address is left out: a node splices flows to its own VIPs, where the client
/// 3-tuple plus local port is already unique.
/// </summary>
/// <param name="ClientAddress">The client's IPv6 address, or its IPv4 address IPv4-mapped, as a big-endian 128-bit number.</param>
/// <param name="ClientPort">The client's TCP port.</param>
/// <param name="LocalPort">The VIP's TCP port.</param>
public readonly record struct SpliceFlowKey(UInt128 ClientAddress, ushort ClientPort, ushort LocalPort)
{
    private static readonly UInt128 V4MappedPrefix = new(0, 0x0000_FFFF_0000_0000UL);

    /// <summary>A key for an IPv4 client (<paramref name="clientAddress"/> host order, 192.0.2.1 is 0xC0000201).</summary>
    public static SpliceFlowKey FromIPv4(uint clientAddress, ushort clientPort, ushort localPort) =>
        new(V4MappedPrefix | clientAddress, clientPort, localPort);

    /// <summary>
    /// Reads the key from an IPv4 or IPv6 TCP packet: the client is the destination of an egress packet (target →
    /// client) and the source of an ingress one. False, never throwing, when the buffer is not an IP packet whose
    /// TCP ports can be read (IPv6 extension headers are not walked here).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> ipPacket, bool egress, out SpliceFlowKey key)
    {
        key = default;
        if (ipPacket.IsEmpty)
        {
            return false;
        }

        UInt128 address;
        ReadOnlySpan<byte> tcp;
        switch (ipPacket[0] >> 4)
        {
            case 4:
                int ihl = (ipPacket[0] & 0x0F) * 4;
                if (ihl < Ipv4Header.MinLength || ipPacket.Length < ihl + 4 ||
                    ipPacket[Ipv4Header.ProtocolOffset] != TcpHeader.ProtocolNumber)
                {
                    return false;
                }

                address = V4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(
                    ipPacket[(egress ? Ipv4Header.DestinationAddressOffset : Ipv4Header.SourceAddressOffset)..]);
                tcp = ipPacket[ihl..];
                break;

            case 6:
                if (ipPacket.Length < Ipv6Header.Length + 4 || ipPacket[Ipv6Header.NextHeaderOffset] != TcpHeader.ProtocolNumber)
                {
                    return false;
                }

                address = BinaryPrimitives.ReadUInt128BigEndian(
                    ipPacket[(egress ? Ipv6Header.DestinationAddressOffset : Ipv6Header.SourceAddressOffset)..]);
                tcp = ipPacket[Ipv6Header.Length..];
                break;

            default:
                return false;
        }

        ushort source = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.SourcePortOffset..]);
        ushort destination = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.DestinationPortOffset..]);
        key = egress ? new SpliceFlowKey(address, destination, source) : new SpliceFlowKey(address, source, destination);
        return true;
    }
}
