using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>
/// A view over an IPv4 packet (RFC 791 §3.1). Getters and setters work in place on the buffer; the API is host
/// order, the buffer network order. Setters leave the header checksum alone unless the method says otherwise.
/// Never throws or allocates once <see cref="TryRead"/> has accepted the buffer.
/// </summary>
public readonly ref partial struct Ipv4Header
{
    /// <summary>The version field's value (high nibble of byte 0).</summary>
    public const byte Version = 4;

    /// <summary>Offset of the version (high nibble) / IHL (low nibble, 32-bit words) byte.</summary>
    public const int VersionIhlOffset = 0;

    /// <summary>Offset of the type-of-service byte (DSCP and ECN).</summary>
    public const int TypeOfServiceOffset = 1;

    /// <summary>Offset of the 16-bit total length in bytes.</summary>
    public const int TotalLengthOffset = 2;

    /// <summary>Offset of the 16-bit identification.</summary>
    public const int IdentificationOffset = 4;

    /// <summary>Offset of the 16-bit flags (3 bits) and fragment offset (13 bits, 8-byte units).</summary>
    public const int FlagsFragmentOffset = 6;

    /// <summary>Offset of the TTL byte.</summary>
    public const int TtlOffset = 8;

    /// <summary>Offset of the protocol byte.</summary>
    public const int ProtocolOffset = 9;

    /// <summary>Offset of the 16-bit header checksum.</summary>
    public const int HeaderChecksumOffset = 10;

    /// <summary>Offset of the 4-byte source address.</summary>
    public const int SourceAddressOffset = 12;

    /// <summary>Offset of the 4-byte destination address.</summary>
    public const int DestinationAddressOffset = 16;

    /// <summary>Length in bytes of a header without options.</summary>
    public const int MinLength = 20;

    /// <summary>Length in bytes of an IPv4 address.</summary>
    public const int AddressLength = 4;

    /// <summary>Largest total length in bytes the 16-bit field can hold.</summary>
    public const int MaxTotalLength = ushort.MaxValue;

    /// <summary>The DF bit in the 16-bit flags/fragment-offset word (RFC 791 §3.1).</summary>
    public const ushort DontFragmentBit = 0x4000;

    private const ushort MoreFragmentsBit = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly Span<byte> _packet;

    private Ipv4Header(Span<byte> packet) => _packet = packet;

    /// <summary>The packet, header and payload, trimmed to <see cref="TotalLength"/> (link padding excluded).</summary>
    public Span<byte> Packet => _packet;

    /// <summary>Header length in bytes (IHL × 4), 20..60.</summary>
    public int HeaderLength => (_packet[VersionIhlOffset] & 0x0F) * 4;

    /// <summary>The type-of-service byte: DSCP in the high six bits, ECN in the low two (RFC 2474, RFC 3168).</summary>
    public byte TypeOfService => _packet[TypeOfServiceOffset];

    /// <summary>Total length of the packet in bytes, header included.</summary>
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_packet[TotalLengthOffset..]);

    /// <summary>The identification field, host order.</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_packet[IdentificationOffset..]);

    /// <summary>The DF (don't fragment) flag.</summary>
    public bool DontFragment => (FlagsAndFragment & DontFragmentBit) != 0;

    /// <summary>The MF (more fragments) flag.</summary>
    public bool MoreFragments => (FlagsAndFragment & MoreFragmentsBit) != 0;

    /// <summary>Fragment offset in bytes (the wire field is in 8-byte units).</summary>
    public int FragmentOffset => (FlagsAndFragment & FragmentOffsetMask) * 8;

    /// <summary>True when this packet is a fragment (MF set or a non-zero fragment offset).</summary>
    public bool IsFragment => (FlagsAndFragment & (MoreFragmentsBit | FragmentOffsetMask)) != 0;

    /// <summary>Time to live in hops. Setting leaves the header checksum stale; see <see cref="RewriteTtl"/>.</summary>
    public byte Ttl
    {
        get => _packet[TtlOffset];
        set => _packet[TtlOffset] = value;
    }

    /// <summary>The protocol of the payload (6 = TCP, <see cref="TcpHeader.ProtocolNumber"/>).</summary>
    public byte Protocol => _packet[ProtocolOffset];

    /// <summary>The header checksum field, host order (RFC 791 §3.1).</summary>
    public ushort HeaderChecksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_packet[HeaderChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_packet[HeaderChecksumOffset..], value);
    }

    /// <summary>Source address as a host-order integer (192.0.2.1 is 0xC0000201).</summary>
    public uint SourceAddress => BinaryPrimitives.ReadUInt32BigEndian(SourceAddressBytes);

    /// <summary>Destination address as a host-order integer.</summary>
    public uint DestinationAddress => BinaryPrimitives.ReadUInt32BigEndian(DestinationAddressBytes);

    /// <summary>The 4 source address bytes, network order (as the pseudo-header wants them).</summary>
    public Span<byte> SourceAddressBytes => _packet.Slice(SourceAddressOffset, AddressLength);

    /// <summary>The 4 destination address bytes, network order.</summary>
    public Span<byte> DestinationAddressBytes => _packet.Slice(DestinationAddressOffset, AddressLength);

    /// <summary>The header, options included.</summary>
    public Span<byte> Header => _packet[..HeaderLength];

    /// <summary>The payload (for TCP, the segment to hand to <see cref="TcpHeader.TryRead"/>).</summary>
    public Span<byte> Payload => _packet[HeaderLength..];

    private ushort FlagsAndFragment => BinaryPrimitives.ReadUInt16BigEndian(_packet[FlagsFragmentOffset..]);

    /// <summary>
    /// Accepts <paramref name="packet"/> when it holds version 4, an IHL of 5..15 words and a total length
    /// between the header length and the buffer length; the view is trimmed to the total length.
    /// False otherwise (including a total length of 0 as used by BIG TCP super-packets); never throws.
    /// </summary>
    public static bool TryRead(Span<byte> packet, out Ipv4Header header)
    {
        header = default;
        if (packet.Length < MinLength || (packet[VersionIhlOffset] >> 4) != Version)
        {
            return false;
        }

        int headerLength = (packet[VersionIhlOffset] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[TotalLengthOffset..]);
        if (headerLength < MinLength || totalLength < headerLength || totalLength > packet.Length)
        {
            return false;
        }

        header = new Ipv4Header(packet[..totalLength]);
        return true;
    }

    /// <summary>The header checksum computed over the header with the field counted as zero (RFC 1071).</summary>
    public ushort ComputeHeaderChecksum()
    {
        ushort sum = InternetChecksum.Sum(_packet[..HeaderChecksumOffset]);
        return (ushort)~InternetChecksum.Sum(_packet[(HeaderChecksumOffset + 2)..HeaderLength], sum);
    }

    /// <summary>True when the header checksum field is correct.</summary>
    public bool IsHeaderChecksumValid => InternetChecksum.Sum(Header) == 0xFFFF;

    /// <summary>Writes the TTL and patches the header checksum incrementally (RFC 1624 eqn. 3; TTL shares a word with the protocol).</summary>
    public void RewriteTtl(byte ttl)
    {
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(_packet[TtlOffset..]);
        ushort newWord = (ushort)((ttl << 8) | Protocol);
        HeaderChecksum = InternetChecksum.Update(HeaderChecksum, oldWord, newWord);
        Ttl = ttl;
    }
}
