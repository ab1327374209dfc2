using System.Buffers.Binary;

namespace Dts.Core.Packets;

/// <summary>
/// The Internet checksum: the 16-bit one's complement of the one's-complement sum of 16-bit words
/// (RFC 1071), its TCP pseudo-header for IPv4 (RFC 9293 §3.1) and IPv6 (RFC 8200 §8.1), and the
/// incremental update of RFC 1624. Data is read in network byte order; every <see cref="ushort"/>
/// in and out of this class is a host-order value (write it with a big-endian writer). No method
/// allocates or throws.
/// </summary>
public static class InternetChecksum
{
    /// <summary>
    /// The folded (16-bit) one's-complement sum of <paramref name="data"/> added to
    /// <paramref name="initial"/>, not complemented (RFC 1071 §4.1). An odd final byte is padded with a
    /// zero byte; so when chaining sums over consecutive pieces, every piece but the last must have even length.
    /// </summary>
    public static ushort Sum(ReadOnlySpan<byte> data, ushort initial = 0)
    {
        ulong sum = initial;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        if (i + 2 <= data.Length)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        return Fold(sum);
    }

    /// <summary>The checksum of <paramref name="data"/>: the one's complement of <see cref="Sum"/> (RFC 1071).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Sum(data);

    /// <summary>
    /// The one's-complement sum of the TCP/UDP pseudo-header, not complemented: source and destination
    /// address, protocol, and upper-layer length in bytes. Both addresses must be 4 bytes (IPv4,
    /// RFC 9293 §3.1) or both 16 bytes (IPv6, RFC 8200 §8.1); the two layouts have the same sum.
    /// Returns false (and 0) for any other address length.
    /// </summary>
    public static bool TryPseudoHeaderSum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        byte protocol, uint upperLayerLength, out ushort sum)
    {
        if (source.Length != destination.Length || (source.Length != 4 && source.Length != 16))
        {
            sum = 0;
            return false;
        }

        ulong total = (ulong)protocol + (upperLayerLength >> 16) + (upperLayerLength & 0xFFFF);
        total += Sum(source);
        total += Sum(destination);
        sum = Fold(total);
        return true;
    }

    /// <summary>
    /// Computes the TCP checksum of <paramref name="segment"/> (header and payload, exactly the
    /// IP payload) as if its checksum field (bytes 16–17) were zero, with the pseudo-header for the given
    /// 4- or 16-byte addresses (RFC 9293 §3.1). The field is not written. Returns false when the segment is
    /// shorter than 20 bytes or the addresses are not both IPv4 or both IPv6.
    /// </summary>
    public static bool TryComputeTcp(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        ReadOnlySpan<byte> segment, out ushort checksum)
    {
        checksum = 0;
        if (segment.Length < TcpHeader.MinLength ||
            !TryPseudoHeaderSum(source, destination, TcpHeader.ProtocolNumber, (uint)segment.Length, out ushort sum))
        {
            return false;
        }

        sum = Sum(segment[..TcpHeader.ChecksumOffset], sum);
        sum = Sum(segment[(TcpHeader.ChecksumOffset + 2)..], sum);
        checksum = (ushort)~sum;
        return true;
    }

    /// <summary>
    /// True when the checksum field already in <paramref name="segment"/> is correct for the given
    /// addresses: the sum over pseudo-header and segment, field included, is 0xFFFF (RFC 1071 §1).
    /// Do not use on packets whose checksum is left to offload (CHECKSUM_PARTIAL, GSO).
    /// </summary>
    public static bool IsTcpValid(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> segment) =>
        segment.Length >= TcpHeader.MinLength &&
        TryPseudoHeaderSum(source, destination, TcpHeader.ProtocolNumber, (uint)segment.Length, out ushort sum) &&
        Sum(segment, sum) == 0xFFFF;

    /// <summary>
    /// RFC 1624 eqn. 3 incremental update, HC' = ~(~HC + ~m + m'): the new checksum after one 16-bit word
    /// (at an even offset from the start of the checksummed data) changes from <paramref name="oldWord"/> to
    /// <paramref name="newWord"/>. Also valid with partial one's-complement sums in place of single words.
    /// </summary>
    public static ushort Update(ushort oldChecksum, ushort oldWord, ushort newWord) =>
        (ushort)~Fold((uint)(ushort)~oldChecksum + (ushort)~oldWord + newWord);

    /// <summary>
    /// RFC 1624 eqn. 3 incremental update for a 32-bit field (a sequence number, timestamp or SACK edge)
    /// at an even offset from the start of the checksummed data, changing from <paramref name="oldValue"/>
    /// to <paramref name="newValue"/> (host order).
    /// </summary>
    public static ushort Update(ushort oldChecksum, uint oldValue, uint newValue)
    {
        ulong sum = (ushort)~oldChecksum;
        sum += (ushort)~(oldValue >> 16);
        sum += (ushort)~oldValue;
        sum += newValue >> 16;
        sum += newValue & 0xFFFF;
        return (ushort)~Fold(sum);
    }

    /// <summary>Folds a wide one's-complement accumulator to 16 bits with end-around carry (RFC 1071 §4.1).</summary>
    private static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }
}
