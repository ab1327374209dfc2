using Dts.Core.Packets;

namespace Dts.Core.Tests.Packets;

public class Ipv6HeaderTests
{
    // RFC 8200 §3 layout: version 6, traffic class 0xB8, flow label 0x12345, payload 20, next header TCP,
    // hop limit 64, 2001:db8::1 → 2001:db8::2, then a bare 20-byte TCP header (SYN, 443 → 8080).
    private const string Packet =
        "6b812345" + "0014" + "06" + "40" +
        "20010db8000000000000000000000001" +
        "20010db8000000000000000000000002" +
        "01bb1f90000000010000000050020400" + "00000000";

    [Fact]
    public void TryRead_HandBuiltPacket_ParsesEveryField()
    {
        byte[] packet = Convert.FromHexString(Packet);

        Assert.True(Ipv6Header.TryRead(packet, out Ipv6Header ip));
        Assert.Equal(0xB8, ip.TrafficClass);
        Assert.Equal(0x12345u, ip.FlowLabel);
        Assert.Equal(20, ip.PayloadLength);
        Assert.Equal(TcpHeader.ProtocolNumber, ip.NextHeader);
        Assert.Equal(64, ip.HopLimit);
        Assert.Equal(0x01, ip.SourceAddress[15]);
        Assert.Equal(0x02, ip.DestinationAddress[15]);
        Assert.Equal(0x20, ip.DestinationAddress[0]);
        Assert.Equal(20, ip.Payload.Length);
    }

    [Fact]
    public void TryRead_TrailingBytes_TrimsToPayloadLength()
    {
        byte[] packet = [.. Convert.FromHexString(Packet), 0xAA, 0xBB];

        Assert.True(Ipv6Header.TryRead(packet, out Ipv6Header ip));
        Assert.Equal(60, ip.Packet.Length);
    }

    [Theory]
    [InlineData(0, 0x4b)] // version 4
    [InlineData(5, 0x15)] // payload length 21 > 20 available
    public void TryRead_MalformedHeader_ReturnsFalse(int index, byte value)
    {
        byte[] packet = Convert.FromHexString(Packet);
        packet[index] = value;

        Assert.False(Ipv6Header.TryRead(packet, out _));
    }

    [Fact]
    public void TryRead_BufferShorterThanFixedHeader_ReturnsFalse()
    {
        Assert.False(Ipv6Header.TryRead(Convert.FromHexString(Packet).AsSpan(0, 39), out _));
    }

    [Fact]
    public void TcpOverIpv6_UpdateChecksum_VerifiesAndMatchesReference()
    {
        byte[] packet = Convert.FromHexString(Packet);
        Ipv6Header.TryRead(packet, out Ipv6Header ip);
        TcpHeader.TryRead(ip.Payload, out TcpHeader tcp);

        Assert.True(tcp.TryUpdateChecksum(ip.SourceAddress, ip.DestinationAddress));
        Assert.True(tcp.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress));
        Assert.Equal(
            ChecksumReference.TcpChecksum(ip.SourceAddress.ToArray(), ip.DestinationAddress.ToArray(), ip.Payload.ToArray()),
            tcp.Checksum);
    }
}
