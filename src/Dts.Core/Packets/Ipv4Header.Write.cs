using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>Writing an IPv4 header (RFC 791 §3.1).</summary>
public readonly ref partial struct Ipv4Header
{
    /// <summary>
    /// Writes a 20-byte header without options into the first <see cref="MinLength"/> bytes of
    /// <paramref name="packet"/> for a payload of <paramref name="payloadLength"/> bytes that the caller puts
    /// after it: version 4, IHL 5, total length 20 + payload, fragment offset 0, the given fields, and the
    /// header checksum (RFC 791 §3.1, RFC 1071) when <paramref name="computeChecksum"/> is set, else 0 (a raw
    /// socket with IP_HDRINCL fills it, and an identification of 0, on send). Addresses are 4 bytes each, network
    /// order. False, nothing written, when <paramref name="packet"/> is shorter than 20 bytes, an address is not
    /// 4 bytes, or the total length would not fit 16 bits (<see cref="MaxTotalLength"/>). Never throws.
    /// </summary>
    public static bool TryWrite(Span<byte> packet, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        byte protocol, int payloadLength, byte ttl = 64, ushort identification = 0, bool dontFragment = true,
        byte typeOfService = 0, bool computeChecksum = true)
    {
        if (packet.Length < MinLength || source.Length != AddressLength || destination.Length != AddressLength ||
            payloadLength < 0 || payloadLength > MaxTotalLength - MinLength)
        {
            return false;
        }

        packet[VersionIhlOffset] = (Version << 4) | (MinLength / 4);
        packet[TypeOfServiceOffset] = typeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(packet[TotalLengthOffset..], (ushort)(MinLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(packet[IdentificationOffset..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(packet[FlagsFragmentOffset..], dontFragment ? DontFragmentBit : (ushort)0);
        packet[TtlOffset] = ttl;
        packet[ProtocolOffset] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(packet[HeaderChecksumOffset..], 0);
        source.CopyTo(packet[SourceAddressOffset..]);
        destination.CopyTo(packet[DestinationAddressOffset..]);
        if (computeChecksum)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[HeaderChecksumOffset..], InternetChecksum.Compute(packet[..MinLength]));
        }

        return true;
    }
}
