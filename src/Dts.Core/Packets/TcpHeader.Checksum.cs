using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>Checksum-maintaining rewrites of a <see cref="TcpHeader"/> (RFC 1624 incremental update).</summary>
public readonly ref partial struct TcpHeader
{
    /// <summary>
    /// Computes the checksum (RFC 9293 §3.1) over the pseudo-header for the given 4- or 16-byte addresses
    /// (network order, as in the IP header) and the whole segment, the field counted as zero.
    /// </summary>
    public bool TryComputeChecksum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, out ushort checksum) =>
        InternetChecksum.TryComputeTcp(source, destination, _segment, out checksum);

    /// <summary>Recomputes the checksum from scratch and writes it; false when the addresses are not 4/4 or 16/16 bytes.</summary>
    public bool TryUpdateChecksum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        if (!TryComputeChecksum(source, destination, out ushort checksum))
        {
            return false;
        }

        Checksum = checksum;
        return true;
    }

    /// <summary>True when the checksum field is correct for the given addresses (not for offloaded packets).</summary>
    public bool IsChecksumValid(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination) =>
        InternetChecksum.IsTcpValid(source, destination, _segment);

    /// <summary>Writes the sequence number and patches the checksum (RFC 1624 eqn. 3).</summary>
    public void RewriteSequenceNumber(SeqNum value)
    {
        Checksum = InternetChecksum.Update(Checksum, SequenceNumber.Value, value.Value);
        SequenceNumber = value;
    }

    /// <summary>Writes the acknowledgment number and patches the checksum (RFC 1624 eqn. 3).</summary>
    public void RewriteAcknowledgmentNumber(SeqNum value)
    {
        Checksum = InternetChecksum.Update(Checksum, AcknowledgmentNumber.Value, value.Value);
        AcknowledgmentNumber = value;
    }

    /// <summary>Writes the raw window field and patches the checksum (RFC 1624 eqn. 3).</summary>
    public void RewriteWindow(ushort value)
    {
        Checksum = InternetChecksum.Update(Checksum, Window, value);
        Window = value;
    }

    /// <summary>Overwrites TSval/TSecr of the existing timestamps option and patches the checksum; false when absent.</summary>
    public bool TryRewriteTimestamps(TcpTimestamps timestamps)
    {
        TcpOptions options = OptionsView;
        if (!options.TryFind(TcpOptionKind.Timestamps, TcpOptionKind.TimestampsLength, out TcpOption option))
        {
            return false;
        }

        int offset = MinLength + option.Offset + 2;
        ushort before = AlignedSum(offset, 8);
        options.TrySetTimestamps(timestamps);
        Checksum = InternetChecksum.Update(Checksum, before, AlignedSum(offset, 8));
        return true;
    }

    /// <summary>Overwrites both edges of SACK block <paramref name="index"/> and patches the checksum; false when absent.</summary>
    public bool TryRewriteSackBlock(int index, SackBlock block)
    {
        TcpOptions options = OptionsView;
        if (!options.TryGetSackBlockOffset(index, out int optionOffset))
        {
            return false;
        }

        int offset = MinLength + optionOffset;
        ushort before = AlignedSum(offset, TcpOptionKind.SackBlockLength);
        options.TrySetSackBlock(index, block.Left, block.Right);
        Checksum = InternetChecksum.Update(Checksum, before, AlignedSum(offset, TcpOptionKind.SackBlockLength));
        return true;
    }

    /// <summary>
    /// Turns <paramref name="length"/> option bytes at <paramref name="offset"/> (relative to the options area)
    /// into NOPs and patches the checksum; false, nothing written, when the range is outside the options.
    /// </summary>
    public bool TryNopOutOption(int offset, int length)
    {
        if (offset < 0 || length < 0 || (uint)offset + (uint)length > (uint)Options.Length)
        {
            return false;
        }

        ushort before = AlignedSum(MinLength + offset, length);
        OptionsView.NopOut(offset, length);
        Checksum = InternetChecksum.Update(Checksum, before, AlignedSum(MinLength + offset, length));
        return true;
    }

    /// <summary>
    /// One's-complement sum of the 16-bit-aligned words covering [offset, offset+length) of the segment, so that
    /// a field at an odd offset is summed in the byte lanes the checksum sees (segment start is word-aligned).
    /// </summary>
    private ushort AlignedSum(int offset, int length)
    {
        int start = offset & ~1;
        int end = Math.Min((offset + length + 1) & ~1, _segment.Length);
        return InternetChecksum.Sum(_segment[start..end]);
    }
}
