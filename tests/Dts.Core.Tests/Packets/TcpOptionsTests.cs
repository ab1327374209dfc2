using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class TcpOptionsTests
{
    [Fact]
    public void TypedGetters_LinuxSynOptions_ReturnRfcValues()
    {
        var options = new TcpOptions(TcpOptionBytes.LinuxSyn);

        Assert.True(options.IsWellFormed);
        Assert.True(options.TryGetMss(out ushort mss));
        Assert.Equal(1460, mss);
        Assert.True(options.TryGetWindowScale(out byte shift));
        Assert.Equal(7, shift);
        Assert.True(options.SackPermitted);
        Assert.True(options.TryGetTimestamps(out TcpTimestamps ts));
        Assert.Equal(new TcpTimestamps(new SeqNum(0x01020304), new SeqNum(0)), ts);
        Assert.Equal(0, options.SackBlockCount);
    }

    [Fact]
    public void TryGetMss_OptionWithWrongLength_ReturnsFalse()
    {
        var options = new TcpOptions(new byte[] { 0x02, 0x03, 0x05, 0x01 });

        Assert.False(options.TryGetMss(out ushort mss));
        Assert.Equal(0, mss);
    }

    [Fact]
    public void TryGetSackBlock_ThreeBlocks_ReturnsEachAndRejectsOutOfRange()
    {
        var options = new TcpOptions(TcpOptionBytes.AckWithThreeSackBlocks);

        Assert.Equal(3, options.SackBlockCount);
        Assert.True(options.TryGetSackBlock(1, out SackBlock block));
        Assert.Equal(new SackBlock(new SeqNum(0xFFFFFF00), new SeqNum(0x10)), block);
        Assert.True(options.TryGetSackBlock(2, out block));
        Assert.Equal(new SeqNum(0x4000), block.Right);
        Assert.False(options.TryGetSackBlock(3, out _));
        Assert.False(options.TryGetSackBlock(-1, out _));
    }

    [Theory]
    [InlineData(0x0B)] // 2 + 9: not a whole number of blocks
    [InlineData(0x02)] // no block at all
    public void SackBlockCount_LengthNotTwoPlusEightN_IsZero(byte length)
    {
        byte[] bytes = TcpOptionBytes.AckWithThreeSackBlocks;
        bytes[15] = length;
        var options = new TcpOptions(bytes);

        Assert.Equal(0, options.SackBlockCount);
        Assert.False(options.TrySetSackBlock(0, new SeqNum(1), new SeqNum(2)));
    }

    [Fact]
    public void TrySetTimestamps_ExistingOption_WritesNetworkOrderInPlace()
    {
        byte[] bytes = TcpOptionBytes.LinuxSyn;
        var options = new TcpOptions(bytes);

        Assert.True(options.TrySetTimestamps(new TcpTimestamps(new SeqNum(0xA1B2C3D4), new SeqNum(0x00000005))));
        Assert.Equal("020405B40402080AA1B2C3D40000000501030307", Convert.ToHexString(bytes));
    }

    [Fact]
    public void TrySetTimestamps_NoTimestampsOption_ReturnsFalseAndWritesNothing()
    {
        byte[] bytes = [0x02, 0x04, 0x05, 0xB4];
        var options = new TcpOptions(bytes);

        Assert.False(options.TrySetTimestamps(default));
        Assert.Equal("020405B4", Convert.ToHexString(bytes));
    }

    [Fact]
    public void TrySetSackBlock_MiddleBlock_RewritesOnlyThatBlock()
    {
        byte[] bytes = TcpOptionBytes.AckWithThreeSackBlocks;
        var options = new TcpOptions(bytes);

        Assert.True(options.TrySetSackBlock(1, new SeqNum(0xDEADBEEF), new SeqNum(0x00C0FFEE)));
        Assert.Equal(
            "0101080A11111111222222220101051A0000100000002000DEADBEEF00C0FFEE0000300000004000",
            Convert.ToHexString(bytes));
    }

    [Fact]
    public void NopOut_WindowScaleOption_RemovesItWithoutMovingOthers()
    {
        byte[] bytes = TcpOptionBytes.LinuxSyn;
        var options = new TcpOptions(bytes);
        Assert.True(options.TryFind(TcpOptionKind.WindowScale, out TcpOption ws));

        Assert.True(options.NopOut(ws.Offset, ws.Length));
        Assert.Equal("020405B40402080A010203040000000001010101", Convert.ToHexString(bytes));
        Assert.False(options.TryGetWindowScale(out _));
        Assert.True(options.TryGetMss(out ushort mss));
        Assert.Equal(1460, mss);
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(18, 3)]
    [InlineData(0, -1)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public void NopOut_RangeOutsideOptions_ReturnsFalseAndWritesNothing(int offset, int length)
    {
        byte[] bytes = TcpOptionBytes.LinuxSyn;
        var options = new TcpOptions(bytes);

        Assert.False(options.NopOut(offset, length));
        Assert.Equal(TcpOptionBytes.LinuxSyn, bytes);
    }
}
