using CsCheck;
using Dts.Core.Packets;

namespace Dts.Core.Tests.Packets;

public class TcpOptionReaderTests
{
    [Fact]
    public void MoveNext_LinuxSynOptions_YieldsFourOptionsSkippingNop()
    {
        var kinds = new List<(byte Kind, int Offset, int Length)>();
        foreach (TcpOption option in new TcpOptionReader(TcpOptionBytes.LinuxSyn))
        {
            kinds.Add((option.Kind, option.Offset, option.Length));
        }

        Assert.Equal(
            [(TcpOptionKind.Mss, 0, 4), (TcpOptionKind.SackPermitted, 4, 2), (TcpOptionKind.Timestamps, 6, 10), (TcpOptionKind.WindowScale, 17, 3)],
            kinds);
    }

    [Fact]
    public void MoveNext_EndOfListFollowedByGarbage_StopsCleanly()
    {
        byte[] options = [0x02, 0x04, 0x05, 0xB4, 0x00, 0xFF, 0x00, 0x00];
        var reader = new TcpOptionReader(options);

        Assert.True(reader.TryRead(out TcpOption mss));
        Assert.Equal(TcpOptionKind.Mss, mss.Kind);
        Assert.False(reader.MoveNext());
        Assert.False(reader.IsMalformed);
    }

    [Theory]
    [InlineData("0204058403000000", 1)] // window scale with length 0
    [InlineData("0204058403010000", 1)] // length 1
    [InlineData("02040584080a0000", 1)] // timestamps length 10 runs past the 8-byte area
    [InlineData("0204058401010103", 1)] // kind 3 is the last byte: its length byte is missing
    [InlineData("00", 0)]               // not malformed: EOL only (control row)
    public void MoveNext_MalformedLength_StopsAndFlagsAfterEarlierOptions(string hex, int expectedBeforeStop)
    {
        var reader = new TcpOptionReader(Convert.FromHexString(hex));
        int count = 0;
        while (reader.MoveNext())
        {
            count++;
        }

        Assert.Equal(expectedBeforeStop, count);
        Assert.Equal(hex != "00", reader.IsMalformed);
        Assert.Equal(hex == "00", TcpOptionReader.IsWellFormed(Convert.FromHexString(hex)));
    }

    [Fact]
    public void MoveNext_RandomBytes_NeverThrowsAndYieldsOnlyInBoundsOptions()
    {
        Gen.Byte.Array[0, 40].Sample(bytes =>
        {
            var reader = new TcpOptionReader(bytes);
            int end = 0;
            while (reader.TryRead(out TcpOption option))
            {
                if (option.Length < 2 || option.Offset < end || option.Offset + option.Length > bytes.Length ||
                    option.Kind is TcpOptionKind.Nop or TcpOptionKind.EndOfList)
                {
                    return false;
                }

                end = option.Offset + option.Length;
            }

            return true;
        });
    }
}
