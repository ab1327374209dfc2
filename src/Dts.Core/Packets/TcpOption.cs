namespace Dts.Core.Packets;

/// <summary>
/// One TCP option as yielded by <see cref="TcpOptionReader"/>: a view into the options area, valid only as
/// long as the underlying buffer (RFC 9293 §3.1 option format: kind, length, data).
/// </summary>
public readonly ref struct TcpOption
{
    internal TcpOption(byte kind, int offset, ReadOnlySpan<byte> data)
    {
        Kind = kind;
        Offset = offset;
        Data = data;
    }

    /// <summary>The option kind (see <see cref="TcpOptionKind"/>).</summary>
    public byte Kind { get; }

    /// <summary>Offset in bytes of the kind byte from the start of the options area (header byte 20).</summary>
    public int Offset { get; }

    /// <summary>Total length in bytes, kind and length bytes included, as on the wire.</summary>
    public int Length => Data.Length + 2;

    /// <summary>The option's data bytes after kind and length, in network byte order.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
