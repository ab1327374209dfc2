using CsCheck;
using Dts.Core.Packets;

namespace Dts.Core.Tests.Packets;

public class Ipv4HeaderTests
{
    [Fact]
    public void TryRead_CapturedSyn_ParsesEveryField()
    {
        byte[] packet = CapturedPackets.Bytes(CapturedPackets.Syn);

        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.Equal(20, ip.HeaderLength);
        Assert.Equal(60, ip.TotalLength);
        Assert.Equal(0xEB3C, ip.Identification);
        Assert.True(ip.DontFragment);
        Assert.False(ip.MoreFragments);
        Assert.Equal(0, ip.FragmentOffset);
        Assert.False(ip.IsFragment);
        Assert.Equal(64, ip.Ttl);
        Assert.Equal(TcpHeader.ProtocolNumber, ip.Protocol);
        Assert.Equal(0x3AE3, ip.HeaderChecksum);
        Assert.Equal(0x0A4D0001u, ip.SourceAddress);
        Assert.Equal(0x0A4D0002u, ip.DestinationAddress);
        Assert.Equal(new byte[] { 10, 77, 0, 2 }, ip.DestinationAddressBytes.ToArray());
        Assert.Equal(40, ip.Payload.Length);
        Assert.True(ip.IsHeaderChecksumValid);
        Assert.Equal(0x3AE3, ip.ComputeHeaderChecksum());
    }

    [Fact]
    public void TryRead_TrailingLinkPadding_TrimsPacketToTotalLength()
    {
        byte[] packet = [.. CapturedPackets.Bytes(CapturedPackets.Ack), 0, 0, 0, 0, 0, 0];

        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.Equal(52, ip.Packet.Length);
        Assert.Equal(32, ip.Payload.Length);
    }

    [Fact]
    public void FragmentFields_MoreFragmentsAndOffset_ReportedInBytes()
    {
        byte[] packet = CapturedPackets.Bytes(CapturedPackets.Syn);
        packet[6] = 0x20; // MF, offset high bits 0
        packet[7] = 0x10; // offset 16 units = 128 bytes

        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.True(ip.MoreFragments);
        Assert.False(ip.DontFragment);
        Assert.Equal(128, ip.FragmentOffset);
        Assert.True(ip.IsFragment);
    }

    [Theory]
    [InlineData(0, 0x65)]   // version 6
    [InlineData(0, 0x44)]   // IHL 4 words < 20 bytes
    [InlineData(0, 0x4F)]   // IHL 60 bytes > total length 52
    [InlineData(3, 0x13)]   // total length 19 < header length
    [InlineData(2, 0x01)]   // total length 316 > buffer
    public void TryRead_MalformedHeader_ReturnsFalse(int index, byte value)
    {
        byte[] packet = CapturedPackets.Bytes(CapturedPackets.Syn)[..52]; // 52 bytes: total length 60 no longer fits
        packet[2] = 0;
        packet[3] = 52;
        packet[index] = value;

        Assert.False(Ipv4Header.TryRead(packet, out _));
    }

    [Fact]
    public void TryRead_BufferShorterThanMinimumHeader_ReturnsFalse()
    {
        Assert.False(Ipv4Header.TryRead(CapturedPackets.Bytes(CapturedPackets.Syn).AsSpan(0, 19), out _));
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrowsAndAcceptsOnlyConsistentHeaders()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            bool ok = Ipv4Header.TryRead(bytes, out Ipv4Header ip);
            bool consistent = bytes.Length >= 20 && bytes[0] >> 4 == 4 && (bytes[0] & 15) >= 5 &&
                ((bytes[2] << 8) | bytes[3]) is int total && total >= (bytes[0] & 15) * 4 && total <= bytes.Length;
            return ok == consistent && (!ok || ip.Payload.Length == ip.TotalLength - ip.HeaderLength);
        });
    }

    [Fact]
    public void RewriteTtl_AnyValue_HeaderChecksumStaysValid()
    {
        Gen.Byte.Sample(ttl =>
        {
            byte[] packet = CapturedPackets.Bytes(CapturedPackets.Data);
            Ipv4Header.TryRead(packet, out Ipv4Header ip);
            ip.RewriteTtl(ttl);
            return ip.Ttl == ttl && ip.IsHeaderChecksumValid && ip.HeaderChecksum == ip.ComputeHeaderChecksum();
        });
    }

    [Fact]
    public void TryWrite_TextbookUdpHeader_WritesItWithChecksumB861()
    {
        // The textbook header of InternetChecksumTests: 192.168.0.1 → 192.168.0.199, UDP, total length 0x73, DF, TTL 64.
        byte[] packet = new byte[Ipv4Header.MinLength];

        Assert.True(Ipv4Header.TryWrite(packet, [192, 168, 0, 1], [192, 168, 0, 199], 17, 0x73 - Ipv4Header.MinLength));

        Assert.Equal("45000073000040004011b861c0a80001c0a800c7", Convert.ToHexStringLower(packet));
    }

    [Fact]
    public void TryWrite_BadInput_ReturnsFalseAndWritesNothing()
    {
        byte[] packet = new byte[Ipv4Header.MinLength];
        packet.AsSpan().Fill(0xAA);

        Assert.False(Ipv4Header.TryWrite(packet.AsSpan(0, 19), new byte[4], new byte[4], 6, 0), "19-byte buffer");
        Assert.False(Ipv4Header.TryWrite(packet, new byte[16], new byte[4], 6, 0), "16-byte source");
        Assert.False(Ipv4Header.TryWrite(packet, new byte[4], new byte[4], 6, Ipv4Header.MaxTotalLength - 19), "total length 65536");
        Assert.False(Ipv4Header.TryWrite(packet, new byte[4], new byte[4], 6, -1), "negative payload length");
        Assert.All(packet, b => Assert.Equal(0xAA, b));
    }
}
