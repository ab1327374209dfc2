using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>The options area of a <see cref="TcpSegmentWriter"/> (RFC 9293 §3.1 option format).</summary>
public readonly ref partial struct TcpSegmentWriter
{
    /// <summary>
    /// Length in bytes of the options area, a multiple of 4. Typed options come in Linux's order and alignment
    /// (<c>tcp_options_write</c>): MSS (4); then either SACK-permitted + timestamps (2 + 10) or NOP NOP + timestamps
    /// (RFC 7323 Appendix A), or without timestamps NOP NOP + SACK-permitted; NOP + window scale (1 + 3);
    /// NOP NOP + SACK (2 + 2 + 8 per block). Then <see cref="RawOptions"/>, then NOPs up to the next multiple of 4
    /// (RFC 9293 §3.1 header padding; NOPs rather than zeros keep every byte a readable option).
    /// </summary>
    public int OptionsLength
    {
        get
        {
            int length = (Mss is null ? 0 : TcpOptionKind.MssLength) +
                (Timestamps is not null ? TcpOptionKind.AlignedTimestampsLength : SackPermitted ? 2 + TcpOptionKind.SackPermittedLength : 0) +
                (WindowScale is null ? 0 : 1 + TcpOptionKind.WindowScaleLength) +
                (SackBlocks.IsEmpty ? 0 : 2 + TcpOptionKind.SackHeaderLength + (SackBlocks.Length * TcpOptionKind.SackBlockLength)) +
                RawOptions.Length;
            return (length + 3) & ~3;
        }
    }

    /// <summary>Writes the options area, exactly <see cref="OptionsLength"/> bytes, in the order its docs give.</summary>
    private void WriteOptions(Span<byte> options)
    {
        int at = 0;
        if (Mss is { } mss)
        {
            options[at] = TcpOptionKind.Mss;
            options[at + 1] = TcpOptionKind.MssLength;
            BinaryPrimitives.WriteUInt16BigEndian(options[(at + 2)..], mss);
            at += TcpOptionKind.MssLength;
        }

        if (Timestamps is { } timestamps)
        {
            at = SackPermitted ? WriteSackPermitted(options, at) : WriteNops(options, at, 2);
            options[at] = TcpOptionKind.Timestamps;
            options[at + 1] = TcpOptionKind.TimestampsLength;
            BinaryPrimitives.WriteUInt32BigEndian(options[(at + 2)..], timestamps.Value.Value);
            BinaryPrimitives.WriteUInt32BigEndian(options[(at + 6)..], timestamps.EchoReply.Value);
            at += TcpOptionKind.TimestampsLength;
        }
        else if (SackPermitted)
        {
            at = WriteSackPermitted(options, WriteNops(options, at, 2));
        }

        if (WindowScale is { } shift)
        {
            at = WriteNops(options, at, 1);
            options[at] = TcpOptionKind.WindowScale;
            options[at + 1] = TcpOptionKind.WindowScaleLength;
            options[at + 2] = shift;
            at += TcpOptionKind.WindowScaleLength;
        }

        if (!SackBlocks.IsEmpty)
        {
            at = WriteNops(options, at, 2);
            options[at] = TcpOptionKind.Sack;
            options[at + 1] = (byte)(TcpOptionKind.SackHeaderLength + (SackBlocks.Length * TcpOptionKind.SackBlockLength));
            at += TcpOptionKind.SackHeaderLength;
            foreach (SackBlock block in SackBlocks)
            {
                BinaryPrimitives.WriteUInt32BigEndian(options[at..], block.Left.Value);
                BinaryPrimitives.WriteUInt32BigEndian(options[(at + 4)..], block.Right.Value);
                at += TcpOptionKind.SackBlockLength;
            }
        }

        RawOptions.CopyTo(options[at..]);
        WriteNops(options, at + RawOptions.Length, options.Length - at - RawOptions.Length);
    }

    private static int WriteSackPermitted(Span<byte> options, int at)
    {
        options[at] = TcpOptionKind.SackPermitted;
        options[at + 1] = TcpOptionKind.SackPermittedLength;
        return at + TcpOptionKind.SackPermittedLength;
    }

    private static int WriteNops(Span<byte> options, int at, int count)
    {
        options.Slice(at, count).Fill(TcpOptionKind.Nop);
        return at + count;
    }
}
