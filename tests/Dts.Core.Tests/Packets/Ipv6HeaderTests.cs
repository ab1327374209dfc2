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

    [Fact]
    public void TryWrite_HandBuiltPacketsFields_WritesItsFixedHeader()
    {
        byte[] expected = Convert.FromHexString(Packet)[..Ipv6Header.Length];
        byte[] packet = new byte[Ipv6Header.Length];

        Assert.True(Ipv6Header.TryWrite(packet, expected.AsSpan(Ipv6Header.SourceAddressOffset, 16),
            expected.AsSpan(Ipv6Header.DestinationAddressOffset, 16), TcpHeader.ProtocolNumber, 20,
            hopLimit: 64, trafficClass: 0xB8, flowLabel: 0x12345));

        Assert.Equal(expected, packet);
    }

    [Fact]
    public void TryWrite_BadInput_ReturnsFalseAndWritesNothing()
    {
        byte[] packet = new byte[Ipv6Header.Length];
        packet.AsSpan().Fill(0xAA);

        Assert.False(Ipv6Header.TryWrite(packet.AsSpan(0, 39), new byte[16], new byte[16], 6, 0), "39-byte buffer");
        Assert.False(Ipv6Header.TryWrite(packet, new byte[16], new byte[4], 6, 0), "4-byte destination");
        Assert.False(Ipv6Header.TryWrite(packet, new byte[16], new byte[16], 6, Ipv6Header.MaxPayloadLength + 1), "payload length 65536");
        Assert.False(Ipv6Header.TryWrite(packet, new byte[16], new byte[16], 6, 0, flowLabel: Ipv6Header.MaxFlowLabel + 1), "21-bit flow label");
        Assert.All(packet, b => Assert.Equal(0xAA, b));
    }
}
