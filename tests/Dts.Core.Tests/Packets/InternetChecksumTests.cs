using System.Buffers.Binary;
using CsCheck;
using Dts.Core.Packets;

namespace Dts.Core.Tests.Packets;

public class InternetChecksumTests
{
    private static readonly byte[] V4Source = [10, 77, 0, 1];
    private static readonly byte[] V4Destination = [10, 77, 0, 2];

    [Fact]
    public void Sum_Rfc1071Section3Example_ReturnsDdf2()
    {
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];

        Assert.Equal(0xDDF2, InternetChecksum.Sum(data));
        Assert.Equal(0x220D, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Compute_TextbookIpv4Header_Returns0xB861()
    {
        byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");

        Assert.Equal(0xB861, InternetChecksum.Compute(header));
    }

    [Fact]
    public void Sum_OddLength_PadsLastByteWithZero()
    {
        Assert.Equal(0x0402, InternetChecksum.Sum([0x01, 0x02, 0x03]));
    }

    [Fact]
    public void Sum_RandomData_MatchesNaiveReference()
    {
        Gen.Byte.Array[0, 3000].Sample(data => InternetChecksum.Sum(data) == ChecksumReference.OnesComplementSum(data));
    }

    [Fact]
    public void Sum_ChainedOverEvenSplit_EqualsWholeSum()
    {
        Gen.Select(Gen.Byte.Array[0, 600], Gen.Int[0, 300]).Sample((data, half) =>
        {
            int split = Math.Min(half * 2, data.Length & ~1);
            ushort chained = InternetChecksum.Sum(data.AsSpan(split), InternetChecksum.Sum(data.AsSpan(0, split)));
            return chained == InternetChecksum.Sum(data);
        });
    }

    [Theory]
    [InlineData(CapturedPackets.Syn, 0x356C)]
    [InlineData(CapturedPackets.Ack, 0x5EC1)]
    [InlineData(CapturedPackets.Data, 0x8006)]
    public void TryComputeTcp_KernelCapturedSegment_MatchesKernelChecksum(string hex, int kernelChecksum)
    {
        byte[] segment = CapturedPackets.Bytes(hex)[20..];

        Assert.True(InternetChecksum.TryComputeTcp(V4Source, V4Destination, segment, out ushort checksum));
        Assert.Equal(kernelChecksum, checksum);
        Assert.True(InternetChecksum.IsTcpValid(V4Source, V4Destination, segment));
    }

    [Fact]
    public void IsTcpValid_OnePayloadByteFlipped_ReturnsFalse()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Data)[20..];
        segment[^1] ^= 0x01;

        Assert.False(InternetChecksum.IsTcpValid(V4Source, V4Destination, segment));
    }

    [Fact]
    public void TryPseudoHeaderSum_LoopbackPartialChecksum_EqualsKernelPseudoSum()
    {
        byte[] packet = CapturedPackets.Bytes(CapturedPackets.LoopbackPartialSyn);
        ushort fieldFromKernel = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(20 + 16));

        Assert.True(InternetChecksum.TryPseudoHeaderSum(packet.AsSpan(12, 4), packet.AsSpan(16, 4), 6, 40, out ushort sum));
        Assert.Equal(fieldFromKernel, sum);
    }

    [Fact]
    public void TryPseudoHeaderSum_MixedAddressFamilies_ReturnsFalse()
    {
        Assert.False(InternetChecksum.TryPseudoHeaderSum(new byte[4], new byte[16], 6, 20, out _));
        Assert.False(InternetChecksum.TryPseudoHeaderSum(new byte[5], new byte[5], 6, 20, out _));
    }

    [Fact]
    public void TryComputeTcp_SegmentShorterThanHeader_ReturnsFalse()
    {
        Assert.False(InternetChecksum.TryComputeTcp(V4Source, V4Destination, new byte[19], out _));
    }

    [Fact]
    public void TryComputeTcp_RandomSegmentsBothFamilies_MatchesReferenceLayout()
    {
        Gen.Select(Gen.Bool, Gen.Byte.Array[16], Gen.Byte.Array[16], Gen.Byte.Array[20, 1500]).Sample((v6, src, dst, segment) =>
        {
            byte[] s = v6 ? src : src[..4];
            byte[] d = v6 ? dst : dst[..4];
            return InternetChecksum.TryComputeTcp(s, d, segment, out ushort checksum) &&
                checksum == ChecksumReference.TcpChecksum(s, d, segment);
        });
    }

    [Fact]
    public void Update_Rfc1624Section4Example_ReturnsPositiveZero()
    {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 → m' = 0x3285. Eqn. 3 gives 0x0000 (eqn. 2 wrongly gave 0xFFFF).
        Assert.Equal(0x0000, InternetChecksum.Update(0xDD2F, 0x5555, 0x3285));
    }

    [Fact]
    public void Update_RandomWordRewrite_EqualsFullRecompute()
    {
        Gen.Select(Gen.UShort.Array[2, 200], Gen.Int[1, 199], Gen.UShort).Sample((words, index, newWord) =>
        {
            words[0] = 0x0006; // a fixed non-zero word, as the pseudo-header's protocol always is
            int i = 1 + (index % (words.Length - 1));
            byte[] before = ToBytes(words);
            words[i] = newWord;
            ushort expected = InternetChecksum.Compute(ToBytes(words));
            return InternetChecksum.Update(InternetChecksum.Compute(before), BinaryPrimitives.ReadUInt16BigEndian(before.AsSpan(i * 2)), newWord) == expected;
        });
    }

    [Fact]
    public void Update_Random32BitFieldRewrite_EqualsFullRecompute()
    {
        Gen.Select(Gen.Byte.Array[8, 400], Gen.Int[0, 400], Gen.UInt).Sample((data, at, newValue) =>
        {
            data[0] = 0;
            data[1] = 6;
            int offset = 2 + ((at % ((data.Length - 6) / 2 + 1)) * 2); // even, after the fixed word, fits
            ushort before = InternetChecksum.Compute(data);
            uint oldValue = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset), newValue);
            return InternetChecksum.Update(before, oldValue, newValue) == InternetChecksum.Compute(data);
        });
    }

    private static byte[] ToBytes(ushort[] words)
    {
        byte[] bytes = new byte[words.Length * 2];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 2), words[i]);
        }

        return bytes;
    }
}
