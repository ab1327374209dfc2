using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>Writing an IPv6 fixed header (RFC 8200 §3).</summary>
public readonly ref partial struct Ipv6Header
{
    /// <summary>
    /// Writes the 40-byte fixed header into the first <see cref="Length"/> bytes of <paramref name="packet"/>
    /// for a payload of <paramref name="payloadLength"/> bytes that the caller puts after it: version 6, the
    /// given traffic class and flow label, payload length, next header and hop limit. Addresses are 16 bytes
    /// each, network order. False, nothing written, when <paramref name="packet"/> is shorter than 40 bytes, an
    /// address is not 16 bytes, the payload length does not fit 16 bits (<see cref="MaxPayloadLength"/>; no
    /// jumbograms) or the flow label exceeds 20 bits. Never throws.
    /// </summary>
    public static bool TryWrite(Span<byte> packet, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        byte nextHeader, int payloadLength, byte hopLimit = 64, byte trafficClass = 0, uint flowLabel = 0)
    {
        if (packet.Length < Length || source.Length != AddressLength || destination.Length != AddressLength ||
            payloadLength < 0 || payloadLength > MaxPayloadLength || flowLabel > MaxFlowLabel)
        {
            return false;
        }

        uint versionClassFlow = ((uint)Version << 28) | ((uint)trafficClass << 20) | flowLabel;
        BinaryPrimitives.WriteUInt32BigEndian(packet[VersionClassFlowOffset..], versionClassFlow);
        BinaryPrimitives.WriteUInt16BigEndian(packet[PayloadLengthOffset..], (ushort)payloadLength);
        packet[NextHeaderOffset] = nextHeader;
        packet[HopLimitOffset] = hopLimit;
        source.CopyTo(packet[SourceAddressOffset..]);
        destination.CopyTo(packet[DestinationAddressOffset..]);
        return true;
    }
}
