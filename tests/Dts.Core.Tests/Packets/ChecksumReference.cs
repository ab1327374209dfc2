namespace Dts.Core.Tests.Packets;

/// <summary>
/// A deliberately naive RFC 1071 checksum written straight from the RFC text (16-bit big-endian words, int
/// accumulator, carries folded at the end), used as an independent oracle for <c>InternetChecksum</c>.
/// </summary>
internal static class ChecksumReference
{
    public static ushort OnesComplementSum(byte[] data)
    {
        long sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            int hi = data[i];
            int lo = i + 1 < data.Length ? data[i + 1] : 0;
            sum += (hi << 8) | lo;
        }

        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>TCP checksum from an explicitly laid-out pseudo-header (RFC 9293 §3.1 / RFC 8200 §8.1).</summary>
    public static ushort TcpChecksum(byte[] source, byte[] destination, byte[] segment)
    {
        byte[] pseudo;
        if (source.Length == 4)
        {
            pseudo = [.. source, .. destination, 0, 6, (byte)(segment.Length >> 8), (byte)segment.Length];
        }
        else
        {
            pseudo = [.. source, .. destination, (byte)(segment.Length >> 24), (byte)(segment.Length >> 16),
                (byte)(segment.Length >> 8), (byte)segment.Length, 0, 0, 0, 6];
        }

        byte[] zeroed = (byte[])segment.Clone();
        zeroed[16] = 0;
        zeroed[17] = 0;
        return (ushort)~OnesComplementSum([.. pseudo, .. zeroed]);
    }
}
