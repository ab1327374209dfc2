using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>
/// A minimal view over an IPv6 packet's fixed header (RFC 8200 §3). Extension headers are not walked:
/// <see cref="NextHeader"/> is the first one, so a TCP segment is directly in <see cref="Payload"/> only when
/// it is 6. The API is host order, the buffer network order. Never throws or allocates once
/// <see cref="TryRead"/> has accepted the buffer.
/// </summary>
public readonly ref partial struct Ipv6Header
{
    /// <summary>The version field's value (high nibble of byte 0).</summary>
    public const byte Version = 6;

    /// <summary>Offset of the 32-bit version (4) / traffic class (8) / flow label (20) word.</summary>
    public const int VersionClassFlowOffset = 0;

    /// <summary>Offset of the 16-bit payload length in bytes.</summary>
    public const int PayloadLengthOffset = 4;

    /// <summary>Offset of the next-header byte.</summary>
    public const int NextHeaderOffset = 6;

    /// <summary>Offset of the hop-limit byte.</summary>
    public const int HopLimitOffset = 7;

    /// <summary>Offset of the 16-byte source address.</summary>
    public const int SourceAddressOffset = 8;

    /// <summary>Offset of the 16-byte destination address.</summary>
    public const int DestinationAddressOffset = 24;

    /// <summary>Length in bytes of the fixed header.</summary>
    public const int Length = 40;

    /// <summary>Length in bytes of an IPv6 address.</summary>
    public const int AddressLength = 16;

    /// <summary>Largest payload length in bytes the 16-bit field can hold (no jumbograms).</summary>
    public const int MaxPayloadLength = ushort.MaxValue;

    /// <summary>Largest flow label (20 bits, RFC 6437).</summary>
    public const uint MaxFlowLabel = 0xFFFFF;

    private readonly Span<byte> _packet;

    private Ipv6Header(Span<byte> packet) => _packet = packet;

    /// <summary>The packet, fixed header and payload, trimmed to 40 + <see cref="PayloadLength"/> bytes.</summary>
    public Span<byte> Packet => _packet;

    /// <summary>The traffic class byte (DSCP and ECN).</summary>
    public byte TrafficClass => (byte)(VersionClassFlow >> 20);

    /// <summary>The 20-bit flow label.</summary>
    public uint FlowLabel => VersionClassFlow & MaxFlowLabel;

    /// <summary>Payload length in bytes: everything after the fixed 40-byte header, extension headers included.</summary>
    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_packet[PayloadLengthOffset..]);

    /// <summary>The protocol of the first header after the fixed header (6 = TCP).</summary>
    public byte NextHeader => _packet[NextHeaderOffset];

    /// <summary>Hop limit in hops. IPv6 has no header checksum, so setting it needs no fix-up.</summary>
    public byte HopLimit
    {
        get => _packet[HopLimitOffset];
        set => _packet[HopLimitOffset] = value;
    }

    /// <summary>The 16 source address bytes, network order.</summary>
    public Span<byte> SourceAddress => _packet.Slice(SourceAddressOffset, AddressLength);

    /// <summary>The 16 destination address bytes, network order.</summary>
    public Span<byte> DestinationAddress => _packet.Slice(DestinationAddressOffset, AddressLength);

    /// <summary>The bytes after the fixed header.</summary>
    public Span<byte> Payload => _packet[Length..];

    private uint VersionClassFlow => BinaryPrimitives.ReadUInt32BigEndian(_packet);

    /// <summary>
    /// Accepts <paramref name="packet"/> when it holds version 6 and 40 + payload length bytes; the view is
    /// trimmed to that length. A payload length of 0 is taken literally (jumbograms, RFC 2675, are not
    /// supported). False otherwise; never throws.
    /// </summary>
    public static bool TryRead(Span<byte> packet, out Ipv6Header header)
    {
        header = default;
        if (packet.Length < Length || (packet[VersionClassFlowOffset] >> 4) != Version)
        {
            return false;
        }

        int total = Length + BinaryPrimitives.ReadUInt16BigEndian(packet[PayloadLengthOffset..]);
        if (total > packet.Length)
        {
            return false;
        }

        header = new Ipv6Header(packet[..total]);
        return true;
    }
}
