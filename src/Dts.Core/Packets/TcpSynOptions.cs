using System.Buffers.Binary;
using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// What a SYN (or SYN-ACK) offered in its options: the values a handover must reproduce or check
/// (RFC 9293 §3.7.1 MSS, RFC 7323 §2.2 window scale and §3.2 timestamps, RFC 2018 §2 SACK-permitted).
/// </summary>
/// <param name="Mss">The MSS in bytes, or null when absent (the peer then assumes 536 for IPv4, 1220 for IPv6).</param>
/// <param name="WindowScale">The shift count as sent (the receiver clamps values above 14), or null when absent.</param>
/// <param name="SackPermitted">True when SACK-permitted was present.</param>
/// <param name="Timestamps">TSval/TSecr when the timestamps option was present, else null.</param>
public readonly record struct TcpSynOptions(ushort? Mss, byte? WindowScale, bool SackPermitted, TcpTimestamps? Timestamps)
{
    /// <summary>
    /// Summarizes the options of <paramref name="header"/>. False when the segment does not carry SYN or its
    /// option list is malformed (a SYN is the one place a malformed list must not be half-trusted).
    /// </summary>
    public static bool TryParse(TcpHeader header, out TcpSynOptions options)
    {
        if (!header.HasFlags(TcpFlags.Syn))
        {
            options = default;
            return false;
        }

        return TryParse(header.Options, out options);
    }

    /// <summary>
    /// Summarizes a SYN's options area (header bytes 20 up to the data offset). False when the list is malformed.
    /// Options of a known kind but the wrong length are ignored, as Linux does.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> optionsArea, out TcpSynOptions options)
    {
        options = default;
        ushort? mss = null;
        byte? windowScale = null;
        bool sackPermitted = false;
        TcpTimestamps? timestamps = null;

        var reader = new TcpOptionReader(optionsArea);
        while (reader.TryRead(out TcpOption option))
        {
            switch (option.Kind)
            {
                case TcpOptionKind.Mss when option.Length == TcpOptionKind.MssLength && mss is null:
                    mss = BinaryPrimitives.ReadUInt16BigEndian(option.Data);
                    break;
                case TcpOptionKind.WindowScale when option.Length == TcpOptionKind.WindowScaleLength && windowScale is null:
                    windowScale = option.Data[0];
                    break;
                case TcpOptionKind.SackPermitted when option.Length == TcpOptionKind.SackPermittedLength:
                    sackPermitted = true;
                    break;
                case TcpOptionKind.Timestamps when option.Length == TcpOptionKind.TimestampsLength && timestamps is null:
                    timestamps = new TcpTimestamps(
                        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(option.Data)),
                        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(option.Data[4..])));
                    break;
            }
        }

        if (reader.IsMalformed)
        {
            return false;
        }

        options = new TcpSynOptions(mss, windowScale, sackPermitted, timestamps);
        return true;
    }
}
