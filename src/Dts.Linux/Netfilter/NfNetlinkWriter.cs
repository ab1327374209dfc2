using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static Interop.NfNetlink;

namespace Dts.Linux.Netfilter;

/// <summary>
/// Writes nfnetlink messages into a caller's buffer, the layout of include/uapi/linux/netlink.h: a <c>nlmsghdr</c>
/// (host byte order), a <c>nfgenmsg</c> (include/uapi/linux/netfilter/nfnetlink.h; res_id big-endian), then
/// attributes (<c>nlattr</c> + payload), each message and attribute padded with zeros to 4 bytes (NLMSG_ALIGN,
/// NLA_ALIGN); a nested attribute carries NLA_F_NESTED and its length covers its children. Writes nothing but the
/// buffer: no allocation.
/// </summary>
internal ref struct NfNetlinkWriter
{
    /// <summary>sizeof(struct nlmsghdr).</summary>
    internal const int NlmsgHeaderLength = 16;

    /// <summary>sizeof(struct nfgenmsg).</summary>
    internal const int NfgenmsgLength = 4;

    /// <summary>sizeof(struct nlattr), NLA_HDRLEN.</summary>
    internal const int NlattrHeaderLength = 4;

    private readonly Span<byte> _buffer;
    private int _length;

    internal NfNetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    /// <summary>Bytes written so far (always a multiple of 4).</summary>
    internal readonly int Length => _length;

    /// <summary>The bytes written so far.</summary>
    internal readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Starts a message: header with length 0 (see <see cref="EndMessage"/>) and the nfgenmsg.</summary>
    /// <param name="type">nlmsg_type, e.g. <c>NFNL_SUBSYS_NFTABLES &lt;&lt; 8 | NFT_MSG_NEWSETELEM</c>.</param>
    /// <param name="flags">nlmsg_flags (NLM_F_*).</param>
    /// <param name="seq">nlmsg_seq: the kernel's ACK or error for this message carries it back.</param>
    /// <param name="family">nfgen_family (NFPROTO_*).</param>
    /// <param name="resourceId">res_id in host order (written big-endian).</param>
    /// <returns>The message's offset, for <see cref="EndMessage"/>.</returns>
    internal int BeginMessage(ushort type, ushort flags, uint seq, byte family, ushort resourceId)
    {
        int start = _length;
        Span<byte> header = Take(NlmsgHeaderLength + NfgenmsgLength);
        var nlh = new nlmsghdr { nlmsg_len = 0, nlmsg_type = type, nlmsg_flags = flags, nlmsg_seq = seq, nlmsg_pid = 0 };
        MemoryMarshal.Write(header, in nlh);
        header[NlmsgHeaderLength] = family;
        header[NlmsgHeaderLength + 1] = NFNETLINK_V0;
        BinaryPrimitives.WriteUInt16BigEndian(header[(NlmsgHeaderLength + 2)..], resourceId);
        return start;
    }

    /// <summary>Sets nlmsg_len of the message begun at <paramref name="start"/> to everything written since.</summary>
    internal readonly void EndMessage(int start) =>
        MemoryMarshal.Write(_buffer[start..], (uint)(_length - start));

    /// <summary>An attribute with <paramref name="payload"/> (NLA_STRING values include their NUL).</summary>
    internal void Put(ushort type, scoped ReadOnlySpan<byte> payload)
    {
        int total = NlattrHeaderLength + payload.Length;
        Span<byte> attribute = Take(Align(total));
        WriteAttributeHeader(attribute, (ushort)total, type);
        payload.CopyTo(attribute[NlattrHeaderLength..]);
        attribute[total..].Clear();
    }

    /// <summary>An NLA_U64 attribute in network byte order (nf_tables' timeouts: <c>nla_put_be64</c>).</summary>
    internal void PutBigEndian64(ushort type, ulong value)
    {
        Span<byte> payload = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(payload, value);
        Put(type, payload);
    }

    /// <summary>Opens a nested attribute (type | NLA_F_NESTED); close it with <see cref="EndNested"/>.</summary>
    /// <returns>The attribute's offset.</returns>
    internal int BeginNested(ushort type)
    {
        int start = _length;
        WriteAttributeHeader(Take(NlattrHeaderLength), 0, (ushort)(type | NLA_F_NESTED));
        return start;
    }

    /// <summary>Sets the length of the nested attribute begun at <paramref name="start"/> to cover its children.</summary>
    internal readonly void EndNested(int start) =>
        MemoryMarshal.Write(_buffer[start..], checked((ushort)(_length - start)));

    /// <summary>NLMSG_ALIGN / NLA_ALIGN: rounds up to a multiple of 4.</summary>
    internal static int Align(int length) => (length + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);

    private static void WriteAttributeHeader(Span<byte> destination, ushort length, ushort type)
    {
        var nla = new nlattr { nla_len = length, nla_type = type };
        MemoryMarshal.Write(destination, in nla);
    }

    private Span<byte> Take(int count)
    {
        if (_buffer.Length - _length < count)
        {
            throw new InvalidOperationException($"A netlink batch needs more than the {_buffer.Length} bytes of its buffer.");
        }

        Span<byte> span = _buffer.Slice(_length, count);
        _length += count;
        return span;
    }
}
