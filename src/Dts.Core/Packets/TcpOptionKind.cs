namespace Dts.Core.Packets;

/// <summary>
/// TCP option kinds this library understands (IANA "TCP Option Kind Numbers"), with the exact total
/// length (kind and length bytes included) each one must have on the wire.
/// </summary>
public static class TcpOptionKind
{
    /// <summary>End of option list, a single byte (RFC 9293 §3.1).</summary>
    public const byte EndOfList = 0;

    /// <summary>No-operation, a single byte used as padding (RFC 9293 §3.1).</summary>
    public const byte Nop = 1;

    /// <summary>Maximum segment size, total length 4 (RFC 9293 §3.2).</summary>
    public const byte Mss = 2;

    /// <summary>Window scale, total length 3 (RFC 7323 §2.2).</summary>
    public const byte WindowScale = 3;

    /// <summary>SACK permitted, total length 2 (RFC 2018 §2).</summary>
    public const byte SackPermitted = 4;

    /// <summary>SACK, total length 2 + 8·n for n = 1..4 blocks (RFC 2018 §3).</summary>
    public const byte Sack = 5;

    /// <summary>Timestamps, total length 10 (RFC 7323 §3.2).</summary>
    public const byte Timestamps = 8;

    /// <summary>Total length of an MSS option in bytes.</summary>
    public const int MssLength = 4;

    /// <summary>Total length of a window scale option in bytes.</summary>
    public const int WindowScaleLength = 3;

    /// <summary>Total length of a SACK-permitted option in bytes.</summary>
    public const int SackPermittedLength = 2;

    /// <summary>Total length of a timestamps option in bytes.</summary>
    public const int TimestampsLength = 10;

    /// <summary>
    /// Length in bytes of a timestamps option behind two NOPs (or behind SACK-permitted on a SYN), the
    /// 4-byte-aligned layout of RFC 7323 Appendix A that Linux sends.
    /// </summary>
    public const int AlignedTimestampsLength = 12;

    /// <summary>Length in bytes of a SACK option's kind and length bytes, before its blocks.</summary>
    public const int SackHeaderLength = 2;

    /// <summary>Length in bytes of one SACK block (two 32-bit edges).</summary>
    public const int SackBlockLength = 8;

    /// <summary>The largest number of SACK blocks that fit in 40 bytes of options (RFC 2018 §3).</summary>
    public const int MaxSackBlocks = 4;
}
