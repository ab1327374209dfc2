using System.Buffers.Binary;
using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// Typed, in-place access to a TCP options area (RFC 9293 §3.1). Getters return the first option of a kind
/// and reject one whose length is wrong for its kind; writers overwrite values of an option that is already
/// there and never move, add or remove bytes (options are edited in place, never re-laid out). Writers do not
/// touch the TCP checksum: use the <c>Rewrite</c> methods of <see cref="TcpHeader"/> for that. Values are
/// host order; the wire is network order. No method throws or allocates.
/// </summary>
public readonly ref struct TcpOptions
{
    /// <summary>Wraps <paramref name="options"/>, the options area only (no fixed header).</summary>
    public TcpOptions(Span<byte> options)
    {
        Span = options;
    }

    /// <summary>The options area.</summary>
    public Span<byte> Span { get; }

    /// <summary>True when no option length is malformed (see <see cref="TcpOptionReader"/>).</summary>
    public bool IsWellFormed => TcpOptionReader.IsWellFormed(Span);

    /// <summary>True when a SACK-permitted option of length 2 is present (RFC 2018 §2).</summary>
    public bool SackPermitted => TryFind(TcpOptionKind.SackPermitted, TcpOptionKind.SackPermittedLength, out _);

    /// <summary>
    /// Number of blocks (1..4) in the first SACK option (RFC 2018 §3), or 0 when there is none or its length
    /// is not 2 + 8·n.
    /// </summary>
    public int SackBlockCount => TryFindSack(out TcpOption sack) ? sack.Data.Length / TcpOptionKind.SackBlockLength : 0;

    /// <summary>Returns a reader walking the options; lets <c>foreach</c> enumerate them.</summary>
    public TcpOptionReader GetEnumerator() => new(Span);

    /// <summary>Finds the first option of <paramref name="kind"/> (not NOP or EOL), whatever its length.</summary>
    public bool TryFind(byte kind, out TcpOption option)
    {
        var reader = new TcpOptionReader(Span);
        while (reader.TryRead(out option))
        {
            if (option.Kind == kind)
            {
                return true;
            }
        }

        option = default;
        return false;
    }

    /// <summary>The maximum segment size in bytes (RFC 9293 §3.7.1), from an option of length 4.</summary>
    public bool TryGetMss(out ushort mss)
    {
        bool ok = TryFind(TcpOptionKind.Mss, TcpOptionKind.MssLength, out TcpOption option);
        mss = ok ? BinaryPrimitives.ReadUInt16BigEndian(option.Data) : (ushort)0;
        return ok;
    }

    /// <summary>
    /// The window scale shift count (RFC 7323 §2.2), from an option of length 3, as sent: values above 14
    /// are returned unchanged and the receiver must treat them as 14 (RFC 7323 §2.3).
    /// </summary>
    public bool TryGetWindowScale(out byte shift)
    {
        bool ok = TryFind(TcpOptionKind.WindowScale, TcpOptionKind.WindowScaleLength, out TcpOption option);
        shift = ok ? option.Data[0] : (byte)0;
        return ok;
    }

    /// <summary>TSval and TSecr (RFC 7323 §3.2) from a timestamps option of length 10.</summary>
    public bool TryGetTimestamps(out TcpTimestamps timestamps)
    {
        bool ok = TryFind(TcpOptionKind.Timestamps, TcpOptionKind.TimestampsLength, out TcpOption option);
        timestamps = ok
            ? new TcpTimestamps(
                new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(option.Data)),
                new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(option.Data[4..])))
            : default;
        return ok;
    }

    /// <summary>Block <paramref name="index"/> (0-based, wire order) of the first SACK option (RFC 2018 §3).</summary>
    public bool TryGetSackBlock(int index, out SackBlock block)
    {
        if (!TryFindSack(out TcpOption sack) || (uint)index >= (uint)(sack.Data.Length / TcpOptionKind.SackBlockLength))
        {
            block = default;
            return false;
        }

        ReadOnlySpan<byte> edges = sack.Data.Slice(index * TcpOptionKind.SackBlockLength, TcpOptionKind.SackBlockLength);
        block = new SackBlock(
            new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(edges)),
            new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(edges[4..])));
        return true;
    }

    /// <summary>Overwrites TSval and TSecr of the existing timestamps option; false when there is none.</summary>
    public bool TrySetTimestamps(TcpTimestamps timestamps)
    {
        if (!TryFind(TcpOptionKind.Timestamps, TcpOptionKind.TimestampsLength, out TcpOption option))
        {
            return false;
        }

        Span<byte> data = Span.Slice(option.Offset + 2, 8);
        BinaryPrimitives.WriteUInt32BigEndian(data, timestamps.Value.Value);
        BinaryPrimitives.WriteUInt32BigEndian(data[4..], timestamps.EchoReply.Value);
        return true;
    }

    /// <summary>Overwrites both edges of block <paramref name="index"/> of the first SACK option; false when it does not exist.</summary>
    public bool TrySetSackBlock(int index, SeqNum left, SeqNum right)
    {
        if (!TryGetSackBlockOffset(index, out int offset))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(Span[offset..], left.Value);
        BinaryPrimitives.WriteUInt32BigEndian(Span[(offset + 4)..], right.Value);
        return true;
    }

    /// <summary>
    /// Overwrites <paramref name="length"/> bytes from <paramref name="offset"/> (both in bytes, relative to
    /// the options area) with NOP (kind 1), removing an option without moving the others. False, and nothing
    /// written, when the range does not lie inside the options area.
    /// </summary>
    public bool NopOut(int offset, int length)
    {
        if (offset < 0 || length < 0 || (uint)offset + (uint)length > (uint)Span.Length)
        {
            return false;
        }

        Span.Slice(offset, length).Fill(TcpOptionKind.Nop);
        return true;
    }

    /// <summary>Offset of SACK block <paramref name="index"/>'s left edge from the start of the options area.</summary>
    internal bool TryGetSackBlockOffset(int index, out int offset)
    {
        bool ok = TryFindSack(out TcpOption sack) &&
            (uint)index < (uint)(sack.Data.Length / TcpOptionKind.SackBlockLength);
        offset = ok ? sack.Offset + 2 + (index * TcpOptionKind.SackBlockLength) : 0;
        return ok;
    }

    /// <summary>Finds the first option of <paramref name="kind"/> and accepts it only with total length <paramref name="length"/>.</summary>
    internal bool TryFind(byte kind, int length, out TcpOption option) =>
        TryFind(kind, out option) && option.Length == length;

    private bool TryFindSack(out TcpOption sack) =>
        TryFind(TcpOptionKind.Sack, out sack) &&
        sack.Data.Length is > 0 and <= TcpOptionKind.MaxSackBlocks * TcpOptionKind.SackBlockLength &&
        sack.Data.Length % TcpOptionKind.SackBlockLength == 0;
}
