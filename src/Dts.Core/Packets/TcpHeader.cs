using System.Buffers.Binary;
using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// A view over a TCP segment, header and payload, exactly the IP payload (RFC 9293 §3.1). Getters and setters
/// read and write the buffer in place; the API is host order, the buffer network order. Plain setters leave
/// the checksum alone; the <c>Rewrite</c> methods also patch it incrementally (RFC 1624). Never throws or
/// allocates once <see cref="TryRead"/> has accepted the buffer.
/// </summary>
public readonly ref partial struct TcpHeader
{
    /// <summary>IP protocol number of TCP (IANA), used in the IPv4 protocol / IPv6 next-header field.</summary>
    public const byte ProtocolNumber = 6;

    /// <summary>Offset of the 16-bit source port.</summary>
    public const int SourcePortOffset = 0;

    /// <summary>Offset of the 16-bit destination port.</summary>
    public const int DestinationPortOffset = 2;

    /// <summary>Offset of the 32-bit sequence number.</summary>
    public const int SequenceNumberOffset = 4;

    /// <summary>Offset of the 32-bit acknowledgment number.</summary>
    public const int AcknowledgmentNumberOffset = 8;

    /// <summary>Offset of the byte whose high nibble is the data offset in 32-bit words.</summary>
    public const int DataOffsetOffset = 12;

    /// <summary>Offset of the control bits byte (<see cref="TcpFlags"/>).</summary>
    public const int FlagsOffset = 13;

    /// <summary>Offset of the 16-bit window field.</summary>
    public const int WindowOffset = 14;

    /// <summary>Offset of the 16-bit checksum.</summary>
    public const int ChecksumOffset = 16;

    /// <summary>Offset of the 16-bit urgent pointer.</summary>
    public const int UrgentPointerOffset = 18;

    /// <summary>Length in bytes of a header without options; also where options start.</summary>
    public const int MinLength = 20;

    /// <summary>Largest header length in bytes (data offset 15).</summary>
    public const int MaxLength = 60;

    /// <summary>Largest options area in bytes (<see cref="MaxLength"/> − <see cref="MinLength"/>).</summary>
    public const int MaxOptionsLength = MaxLength - MinLength;

    private readonly Span<byte> _segment;

    private TcpHeader(Span<byte> segment) => _segment = segment;

    /// <summary>The whole segment, header and payload.</summary>
    public Span<byte> Segment => _segment;

    /// <summary>Source port, host order.</summary>
    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_segment[SourcePortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_segment[SourcePortOffset..], value);
    }

    /// <summary>Destination port, host order.</summary>
    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_segment[DestinationPortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_segment[DestinationPortOffset..], value);
    }

    /// <summary>Sequence number of the first data byte (or the ISN on SYN). Setting leaves the checksum stale.</summary>
    public SeqNum SequenceNumber
    {
        get => new(BinaryPrimitives.ReadUInt32BigEndian(_segment[SequenceNumberOffset..]));
        set => BinaryPrimitives.WriteUInt32BigEndian(_segment[SequenceNumberOffset..], value.Value);
    }

    /// <summary>Acknowledgment number, significant with <see cref="TcpFlags.Ack"/>. Setting leaves the checksum stale.</summary>
    public SeqNum AcknowledgmentNumber
    {
        get => new(BinaryPrimitives.ReadUInt32BigEndian(_segment[AcknowledgmentNumberOffset..]));
        set => BinaryPrimitives.WriteUInt32BigEndian(_segment[AcknowledgmentNumberOffset..], value.Value);
    }

    /// <summary>Header length in bytes (data offset × 4), 20..60.</summary>
    public int HeaderLength => (_segment[DataOffsetOffset] >> 4) * 4;

    /// <summary>The eight control bits of byte 13. Setting leaves the checksum stale.</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)_segment[FlagsOffset];
        set => _segment[FlagsOffset] = (byte)value;
    }

    /// <summary>The raw 16-bit window field, unscaled (RFC 7323 §2.2: never scaled on SYN segments).</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_segment[WindowOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_segment[WindowOffset..], value);
    }

    /// <summary>The checksum field, host order (RFC 9293 §3.1).</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_segment[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_segment[ChecksumOffset..], value);
    }

    /// <summary>The urgent pointer, an offset in bytes from the sequence number, significant with URG.</summary>
    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_segment[UrgentPointerOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_segment[UrgentPointerOffset..], value);
    }

    /// <summary>The options area: bytes 20 up to <see cref="HeaderLength"/>, possibly empty.</summary>
    public Span<byte> Options => _segment[MinLength..HeaderLength];

    /// <summary>Typed access to <see cref="Options"/>.</summary>
    public TcpOptions OptionsView => new(Options);

    /// <summary>The data after the header, possibly empty.</summary>
    public Span<byte> Payload => _segment[HeaderLength..];

    /// <summary>True when all of <paramref name="flags"/> are set.</summary>
    public bool HasFlags(TcpFlags flags) => (Flags & flags) == flags;

    /// <summary>
    /// Accepts <paramref name="segment"/> (the IP payload, not the whole packet) when it holds at least 20
    /// bytes and a data offset of 5..15 words that fits in it. False otherwise; never throws.
    /// </summary>
    public static bool TryRead(Span<byte> segment, out TcpHeader header)
    {
        int headerLength = segment.Length >= MinLength ? (segment[DataOffsetOffset] >> 4) * 4 : 0;
        if (headerLength < MinLength || headerLength > segment.Length)
        {
            header = default;
            return false;
        }

        header = new TcpHeader(segment);
        return true;
    }
}
