using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class TcpSynOptionsTests
{
    [Fact]
    public void TryParse_LinuxSynOptionBytes_ReturnsAllFourOptions()
    {
        Assert.True(TcpSynOptions.TryParse(TcpOptionBytes.LinuxSyn, out TcpSynOptions syn));
        Assert.Equal(
            new TcpSynOptions(1460, 7, true, new TcpTimestamps(new SeqNum(0x01020304), new SeqNum(0))),
            syn);
    }

    [Fact]
    public void TryParse_CapturedKernelSyn_ReturnsKernelOffer()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Syn)[20..];
        TcpHeader.TryRead(segment, out TcpHeader tcp);

        Assert.True(TcpSynOptions.TryParse(tcp, out TcpSynOptions syn));
        Assert.Equal(
            new TcpSynOptions(1460, 10, true, new TcpTimestamps(new SeqNum(0xB2C2E4DF), new SeqNum(0))),
            syn);
    }

    [Fact]
    public void TryParse_SegmentWithoutSyn_ReturnsFalse()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Ack)[20..];
        TcpHeader.TryRead(segment, out TcpHeader tcp);

        Assert.False(TcpSynOptions.TryParse(tcp, out TcpSynOptions syn));
        Assert.Equal(default, syn);
    }

    [Fact]
    public void TryParse_NoOptions_AllAbsent()
    {
        Assert.True(TcpSynOptions.TryParse(ReadOnlySpan<byte>.Empty, out TcpSynOptions syn));
        Assert.Equal(new TcpSynOptions(null, null, false, null), syn);
    }

    [Fact]
    public void TryParse_MalformedOptionLength_ReturnsFalse()
    {
        byte[] bytes = TcpOptionBytes.LinuxSyn;
        bytes[18] = 0x00; // window scale length 0

        Assert.False(TcpSynOptions.TryParse(bytes, out _));
    }

    [Fact]
    public void TryParse_MssWithWrongLengthThenValidWs_IgnoresMssLikeLinux()
    {
        byte[] bytes = [0x02, 0x03, 0x05, 0x03, 0x03, 0x02];

        Assert.True(TcpSynOptions.TryParse(bytes, out TcpSynOptions syn));
        Assert.Null(syn.Mss);
        Assert.Equal((byte)2, syn.WindowScale);
    }
}
