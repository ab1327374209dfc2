using CsCheck;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class TcpHeaderRewriteTests
{
    private static readonly byte[] Client = [10, 77, 0, 1];
    private static readonly byte[] Vip = [10, 77, 0, 2];

    [Fact]
    public void RewriteSequenceNumber_CapturedDataSegment_KernelChecksumStaysValid()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Data)[20..];
        TcpHeader.TryRead(segment, out TcpHeader tcp);

        tcp.RewriteSequenceNumber(tcp.SequenceNumber + 0x7FFF0000u);

        Assert.Equal(new SeqNum(0x47D75A00u + 0x7FFF0000u), tcp.SequenceNumber);
        Assert.True(tcp.IsChecksumValid(Client, Vip));
    }

    [Fact]
    public void TryRewriteSackBlock_IngressTranslationOfEveryEdge_ChecksumVerifies()
    {
        byte[] segment = [.. new byte[20], .. TcpOptionBytes.AckWithThreeSackBlocks];
        segment[12] = 0xF0;
        segment[13] = (byte)TcpFlags.Ack;
        TcpHeader.TryRead(segment, out TcpHeader tcp);
        tcp.AcknowledgmentNumber = new SeqNum(0x1000);
        Assert.True(tcp.TryUpdateChecksum(Client, Vip));
        const uint delta = 0x12345678;

        tcp.RewriteAcknowledgmentNumber(tcp.AcknowledgmentNumber - delta);
        TcpOptions options = tcp.OptionsView;
        for (int i = 0; i < options.SackBlockCount; i++)
        {
            options.TryGetSackBlock(i, out SackBlock b);
            Assert.True(tcp.TryRewriteSackBlock(i, new SackBlock(b.Left - delta, b.Right - delta)));
        }

        Assert.True(tcp.IsChecksumValid(Client, Vip));
        Assert.True(options.TryGetSackBlock(1, out SackBlock moved));
        Assert.Equal(new SackBlock(new SeqNum(0xFFFFFF00u) - delta, new SeqNum(0x10u) - delta), moved);
        Assert.Equal(new SeqNum(0x1000u) - delta, tcp.AcknowledgmentNumber);
    }

    [Fact]
    public void TryRewriteTimestamps_SegmentWithoutTimestamps_ReturnsFalseAndKeepsChecksum()
    {
        byte[] segment = [.. new byte[20], 0x02, 0x04, 0x05, 0xB4];
        segment[12] = 0x60;
        TcpHeader.TryRead(segment, out TcpHeader tcp);
        tcp.TryUpdateChecksum(Client, Vip);
        ushort before = tcp.Checksum;

        Assert.False(tcp.TryRewriteTimestamps(new TcpTimestamps(new SeqNum(1), new SeqNum(2))));
        Assert.False(tcp.TryRewriteSackBlock(0, default));
        Assert.Equal(before, tcp.Checksum);
    }

    [Fact]
    public void TryNopOutOption_WindowScaleOfCapturedSyn_OptionGoneAndChecksumValid()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Syn)[20..];
        TcpHeader.TryRead(segment, out TcpHeader tcp);
        tcp.OptionsView.TryFind(TcpOptionKind.WindowScale, out TcpOption ws);

        Assert.True(tcp.TryNopOutOption(ws.Offset, ws.Length)); // offset 17: odd, straddles word lanes
        Assert.False(tcp.OptionsView.TryGetWindowScale(out _));
        Assert.True(tcp.IsChecksumValid(Client, Vip));
        Assert.False(tcp.TryNopOutOption(18, 3));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rewrites_RandomTranslationOfEveryField_IncrementalEqualsFullRecompute(bool oddOptionLayout)
    {
        Gen.Select(Gen.Byte.Array[0, 301], Gen.UInt, Gen.UInt, Gen.UShort, Gen.UInt, Gen.UInt, Gen.UInt).Sample(
            (payload, seqDelta, ackDelta, window, tsDelta, ecrDelta, sackDelta) =>
            {
                byte[] segment = BuildSegment(oddOptionLayout, payload);
                TcpHeader.TryRead(segment, out TcpHeader tcp);
                tcp.TryUpdateChecksum(Client, Vip);

                tcp.RewriteSequenceNumber(tcp.SequenceNumber + seqDelta);
                tcp.RewriteAcknowledgmentNumber(tcp.AcknowledgmentNumber - ackDelta);
                tcp.RewriteWindow(window);
                tcp.OptionsView.TryGetTimestamps(out TcpTimestamps ts);
                bool tsOk = tcp.TryRewriteTimestamps(new TcpTimestamps(ts.Value + tsDelta, ts.EchoReply - ecrDelta));
                tcp.OptionsView.TryGetSackBlock(1, out SackBlock b);
                bool sackOk = tcp.TryRewriteSackBlock(1, new SackBlock(b.Left - sackDelta, b.Right - sackDelta));

                tcp.TryComputeChecksum(Client, Vip, out ushort full);
                return tsOk && sackOk && tcp.Checksum == full && tcp.IsChecksumValid(Client, Vip);
            });
    }

    /// <summary>
    /// A 52-byte header plus payload. Aligned layout: NOP NOP TS, NOP NOP SACK×2, NOP×2 (Linux style).
    /// Odd layout: WS, TS, SACK×2, EOL: the timestamp and SACK values start at odd offsets.
    /// </summary>
    private static byte[] BuildSegment(bool odd, byte[] payload)
    {
        byte[] options = odd
            ? [3, 3, 7, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0]
            : [1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
        byte[] segment = [0x1F, 0x90, 0xA9, 0xFA, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xD0, 0x18, 0x01, 0xF5,
            0, 0, 0, 0, .. options, .. payload];
        return segment;
    }
}
