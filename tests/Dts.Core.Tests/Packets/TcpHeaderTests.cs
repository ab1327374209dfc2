using CsCheck;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class TcpHeaderTests
{
    [Fact]
    public void TryRead_CapturedSyn_ParsesEveryField()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Syn)[20..];

        Assert.True(TcpHeader.TryRead(segment, out TcpHeader tcp));
        Assert.Equal(43514, tcp.SourcePort);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.Equal(new SeqNum(0x47D759FF), tcp.SequenceNumber);
        Assert.Equal(new SeqNum(0), tcp.AcknowledgmentNumber);
        Assert.Equal(40, tcp.HeaderLength);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.Equal(64240, tcp.Window);
        Assert.Equal(0x356C, tcp.Checksum);
        Assert.Equal(0, tcp.UrgentPointer);
        Assert.Equal(20, tcp.Options.Length);
        Assert.Equal(0, tcp.Payload.Length);
    }

    [Fact]
    public void TryRead_CapturedDataSegment_PayloadIsHttpRequest()
    {
        byte[] segment = CapturedPackets.Bytes(CapturedPackets.Data)[20..];

        Assert.True(TcpHeader.TryRead(segment, out TcpHeader tcp));
        Assert.True(tcp.HasFlags(TcpFlags.Ack | TcpFlags.Psh));
        Assert.False(tcp.HasFlags(TcpFlags.Syn));
        Assert.Equal("GET / HTTP/1.1\r\n\r\n", System.Text.Encoding.ASCII.GetString(tcp.Payload));
    }

    [Theory]
    [InlineData(19, 0x50)] // buffer shorter than the fixed header
    [InlineData(40, 0x40)] // data offset 4 words
    [InlineData(40, 0x00)] // data offset 0
    [InlineData(40, 0xB0)] // data offset 44 bytes > 40-byte buffer
    [InlineData(40, 0xF0)] // data offset 60 bytes > 40-byte buffer
    public void TryRead_MalformedDataOffset_ReturnsFalse(int length, byte dataOffsetByte)
    {
        byte[] segment = new byte[length];
        if (length > 12)
        {
            segment[12] = dataOffsetByte;
        }

        Assert.False(TcpHeader.TryRead(segment, out _));
    }

    [Fact]
    public void TryRead_RandomBytes_AcceptsExactlyWhenDataOffsetFits()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            bool ok = TcpHeader.TryRead(bytes, out TcpHeader tcp);
            bool fits = bytes.Length >= 20 && bytes[12] >> 4 >= 5 && (bytes[12] >> 4) * 4 <= bytes.Length;
            return ok == fits && (!ok || tcp.Options.Length + tcp.Payload.Length + 20 == bytes.Length);
        });
    }

    [Fact]
    public void Setters_AllFields_WriteNetworkOrderAndReadBack()
    {
        byte[] segment = new byte[24];
        segment[12] = 0x60;
        TcpHeader.TryRead(segment, out TcpHeader tcp);

        tcp.SourcePort = 0x1234;
        tcp.DestinationPort = 0xABCD;
        tcp.SequenceNumber = new SeqNum(0x01020304);
        tcp.AcknowledgmentNumber = new SeqNum(0xF1F2F3F4);
        tcp.Flags = TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece | TcpFlags.Cwr;
        tcp.Window = 0x8001;
        tcp.Checksum = 0xBEEF;
        tcp.UrgentPointer = 0x0102;

        Assert.Equal(
            "1234ABCD01020304F1F2F3F460D28001BEEF010200000000",
            Convert.ToHexString(segment));
        Assert.Equal(24, tcp.HeaderLength); // setting flags kept the data offset nibble
        Assert.Equal(new SeqNum(0xF1F2F3F4), tcp.AcknowledgmentNumber);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece | TcpFlags.Cwr, tcp.Flags);
    }

    [Fact]
    public void RoundTrip_RandomFieldValues_ReadBackUnchanged()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt, Gen.Byte, Gen.UShort, Gen.UShort).Sample(
            (sp, dp, seq, ack, flags, window, urgent) =>
            {
                byte[] segment = new byte[20];
                segment[12] = 0x50;
                TcpHeader.TryRead(segment, out TcpHeader tcp);
                tcp.SourcePort = sp;
                tcp.DestinationPort = dp;
                tcp.SequenceNumber = new SeqNum(seq);
                tcp.AcknowledgmentNumber = new SeqNum(ack);
                tcp.Flags = (TcpFlags)flags;
                tcp.Window = window;
                tcp.UrgentPointer = urgent;
                TcpHeader.TryRead(segment, out TcpHeader again);
                return again.SourcePort == sp && again.DestinationPort == dp && again.SequenceNumber.Value == seq &&
                    again.AcknowledgmentNumber.Value == ack && (byte)again.Flags == flags && again.Window == window &&
                    again.UrgentPointer == urgent && again.HeaderLength == 20;
            });
    }
}
