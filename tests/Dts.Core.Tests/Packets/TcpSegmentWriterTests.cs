using CsCheck;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class TcpSegmentWriterTests
{
    private static readonly byte[] ClientV4 = [10, 77, 0, 1];
    private static readonly byte[] ServerV4 = [10, 77, 0, 2];
    private static readonly byte[] ClientV6 = Convert.FromHexString("20010db8000000000000000000000001");
    private static readonly byte[] ServerV6 = Convert.FromHexString("20010db8000000000000000000000002");

    [Fact]
    public void TryWrite_CapturedSyn_ReproducesKernelPacketByteForByte()
    {
        byte[] expected = CapturedPackets.Bytes(CapturedPackets.Syn);
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV4,
            DestinationAddress = ServerV4,
            SourcePort = 43514,
            DestinationPort = 8080,
            SequenceNumber = new SeqNum(0x47D759FF),
            Flags = TcpFlags.Syn,
            Window = 64240,
            Identification = 0xEB3C,
            Mss = 1460,
            SackPermitted = true,
            Timestamps = new TcpTimestamps(new SeqNum(0xB2C2E4DF), new SeqNum(0)),
            WindowScale = 10,
        };
        byte[] packet = new byte[100];

        Assert.True(writer.TryWrite(packet, out int written));

        // IPv4 header checksum 0x3AE3 and TCP checksum 0x356C are the kernel's, recorded without offload.
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected.Length, writer.PacketLength);
        Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(packet.AsSpan(0, written)));
    }

    [Theory]
    [InlineData(CapturedPackets.Ack, 0xEB3D, "")]
    [InlineData(CapturedPackets.Data, 0xEB3E, "GET / HTTP/1.1\r\n\r\n")]
    public void TryWrite_CapturedAckAndData_ReproducesKernelPacketByteForByte(string hex, int identification, string payload)
    {
        byte[] expected = CapturedPackets.Bytes(hex);
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV4,
            DestinationAddress = ServerV4,
            SourcePort = 43514,
            DestinationPort = 8080,
            SequenceNumber = new SeqNum(0x47D75A00),
            AcknowledgmentNumber = new SeqNum(0xD4E830D5),
            Flags = TcpFlags.Ack | (payload.Length > 0 ? TcpFlags.Psh : 0),
            Window = 63,
            Identification = (ushort)identification,
            Timestamps = new TcpTimestamps(new SeqNum(0xB2C2E4DF), new SeqNum(0x60BD99A0)),
            Payload = System.Text.Encoding.ASCII.GetBytes(payload),
        };
        byte[] packet = new byte[writer.PacketLength];

        Assert.True(writer.TryWrite(packet, out int written));

        Assert.Equal(expected.Length, written);
        Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(packet));
    }

    [Fact]
    public void TryWrite_RandomFieldsBothFamilies_ReadsBackThroughViewsWithIndependentChecksum()
    {
        Gen.Select(Gen.Bool, Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt, Gen.Byte, Gen.UShort,
            Gen.Select(Gen.Bool, Gen.UInt, Gen.UInt, Gen.UInt.Array[0, 6], Gen.Byte.Array[0, 1500], Gen.Byte[0, 255], Gen.UInt[0, 0xFFFFF]))
        .Sample((v6, sport, dport, seq, ack, flags, window, rest) =>
        {
            (bool hasTs, uint tsVal, uint tsEcr, uint[] edges, byte[] payload, byte hop, uint flowLabel) = rest;
            SackBlock[] sack = [.. edges.Chunk(2).Where(e => e.Length == 2).Select(e => new SackBlock(new SeqNum(e[0]), new SeqNum(e[1])))];
            byte[] src = v6 ? ClientV6 : ClientV4;
            byte[] dst = v6 ? ServerV6 : ServerV4;
            var writer = new TcpSegmentWriter
            {
                SourceAddress = src,
                DestinationAddress = dst,
                SourcePort = sport,
                DestinationPort = dport,
                SequenceNumber = new SeqNum(seq),
                AcknowledgmentNumber = new SeqNum(ack),
                Flags = (TcpFlags)flags,
                Window = window,
                Timestamps = hasTs ? new TcpTimestamps(new SeqNum(tsVal), new SeqNum(tsEcr)) : null,
                SackBlocks = sack,
                Payload = payload,
                HopLimit = hop,
                FlowLabel = flowLabel,
            };
            byte[] packet = new byte[writer.PacketLength + 7]; // room to spare: only PacketLength bytes are the packet
            if (!writer.TryWrite(packet, out int written) || written != writer.PacketLength)
            {
                return false;
            }

            Span<byte> ipPayload;
            if (v6)
            {
                if (!Ipv6Header.TryRead(packet, out Ipv6Header ip) || ip.NextHeader != TcpHeader.ProtocolNumber ||
                    ip.HopLimit != hop || ip.FlowLabel != flowLabel || ip.Packet.Length != written)
                {
                    return false;
                }

                ipPayload = ip.Payload;
            }
            else
            {
                if (!Ipv4Header.TryRead(packet, out Ipv4Header ip) || ip.Protocol != TcpHeader.ProtocolNumber ||
                    ip.Ttl != hop || !ip.DontFragment || !ip.IsHeaderChecksumValid || ip.Packet.Length != written)
                {
                    return false;
                }

                ipPayload = ip.Payload;
            }

            if (!TcpHeader.TryRead(ipPayload, out TcpHeader tcp))
            {
                return false;
            }

            TcpOptions options = tcp.OptionsView;
            bool timestampsOk = options.TryGetTimestamps(out TcpTimestamps ts) == hasTs && (!hasTs || (ts.Value.Value == tsVal && ts.EchoReply.Value == tsEcr));
            bool sackOk = options.SackBlockCount == sack.Length;
            for (int i = 0; sackOk && i < sack.Length; i++)
            {
                sackOk = options.TryGetSackBlock(i, out SackBlock block) && block == sack[i];
            }

            return tcp.SourcePort == sport && tcp.DestinationPort == dport && tcp.SequenceNumber.Value == seq &&
                tcp.AcknowledgmentNumber.Value == ack && (byte)tcp.Flags == flags && tcp.Window == window &&
                tcp.UrgentPointer == 0 && tcp.HeaderLength % 4 == 0 && options.IsWellFormed && timestampsOk && sackOk &&
                tcp.Payload.SequenceEqual(payload) &&
                tcp.Checksum == ChecksumReference.TcpChecksum(src, dst, ipPayload.ToArray()) &&
                tcp.IsChecksumValid(src, dst);
        });
    }

    [Fact]
    public void TryWrite_Ipv6_ChecksumUsesRfc8200PseudoHeaderAndHeaderFieldsReadBack()
    {
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV6,
            DestinationAddress = ServerV6,
            SourcePort = 443,
            DestinationPort = 8080,
            SequenceNumber = new SeqNum(1),
            Flags = TcpFlags.Syn,
            Window = 1024,
            TrafficClass = 0xB8,
            FlowLabel = 0x12345,
        };
        byte[] packet = new byte[writer.PacketLength];

        Assert.True(writer.TryWrite(packet, out int written));

        // Ipv6HeaderTests' hand-built packet, with its checksum filled in: the sum over the 40-byte pseudo-header
        // (addresses, 32-bit length 20, three zero bytes, next header 6) and the segment, 0x2F22 (summed by hand).
        Assert.Equal(60, written);
        Assert.Equal(
            "6b81234500140640" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" +
            "01bb1f900000000100000000500204002f220000",
            Convert.ToHexStringLower(packet));
        Assert.Equal(0x2F22, ChecksumReference.TcpChecksum(ClientV6, ServerV6, packet[40..]));
    }

    [Theory]
    [InlineData(new byte[] { }, "")]
    [InlineData(new byte[] { 3, 3, 7 }, "03030701")]
    [InlineData(new byte[] { 4, 2 }, "04020101")]
    [InlineData(new byte[] { 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, "01080a000000010000000201")]
    public void TryWrite_RawOptions_PaddedWithNopsToFourByteBoundary(byte[] raw, string expectedOptions)
    {
        var writer = new TcpSegmentWriter { SourceAddress = ClientV4, DestinationAddress = ServerV4, RawOptions = raw };
        byte[] packet = new byte[writer.PacketLength];

        Assert.True(writer.TryWrite(packet, out _));

        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.True(TcpHeader.TryRead(ip.Payload, out TcpHeader tcp));
        Assert.Equal(expectedOptions.Length / 2, writer.OptionsLength);
        Assert.Equal(TcpHeader.MinLength + writer.OptionsLength, tcp.HeaderLength);
        Assert.Equal(expectedOptions, Convert.ToHexStringLower(tcp.Options));
    }

    [Fact]
    public void TryWrite_TypedOptions_LaidOutAsLinuxTcpOptionsWrite()
    {
        SackBlock[] sack = [new(new SeqNum(1), new SeqNum(2))];
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV4,
            DestinationAddress = ServerV4,
            Mss = 1400,
            SackPermitted = true,
            WindowScale = 7,
            SackBlocks = sack,
        };
        byte[] packet = new byte[writer.PacketLength];

        Assert.True(writer.TryWrite(packet, out _));

        // MSS; NOP NOP SACK_PERM (no timestamps); NOP WS; NOP NOP SACK(1 block).
        Assert.Equal("02040578" + "01010402" + "01030307" + "0101050a0000000100000002", Convert.ToHexStringLower(packet.AsSpan(40)));
    }

    [Fact]
    public void TryWrite_Ipv4HeaderChecksumNotComputed_LeavesFieldZeroForIpHdrIncl()
    {
        var writer = new TcpSegmentWriter { SourceAddress = ClientV4, DestinationAddress = ServerV4, ComputeIpv4HeaderChecksum = false };
        byte[] packet = new byte[writer.PacketLength];

        Assert.True(writer.TryWrite(packet, out _));

        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.Equal(0, ip.HeaderChecksum);
        Assert.NotEqual(0, ip.ComputeHeaderChecksum());
        Assert.True(TcpHeader.TryRead(ip.Payload, out TcpHeader tcp));
        Assert.True(tcp.IsChecksumValid(ip.SourceAddressBytes, ip.DestinationAddressBytes));
    }

    [Fact]
    public void TryWriteSegment_Alone_EqualsTheSegmentTryWritePutsBehindTheIpHeader()
    {
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV6,
            DestinationAddress = ServerV6,
            Flags = TcpFlags.Ack,
            Timestamps = new TcpTimestamps(new SeqNum(5), new SeqNum(6)),
            Payload = [1, 2, 3],
        };
        byte[] packet = new byte[writer.PacketLength];
        byte[] segment = new byte[writer.SegmentLength];

        Assert.True(writer.TryWrite(packet, out _));
        Assert.True(writer.TryWriteSegment(segment, out int written));

        Assert.Equal(TcpHeader.MinLength + TcpOptionKind.AlignedTimestampsLength + 3, written);
        Assert.Equal(packet[Ipv6Header.Length..], segment);
    }

    [Fact]
    public void TryWrite_InvalidInput_ReturnsFalseAndWritesNothing()
    {
        SackBlock[] fiveBlocks = new SackBlock[5];
        SackBlock[] fourBlocks = new SackBlock[4];
        var fits = new TcpSegmentWriter { SourceAddress = ClientV4, DestinationAddress = ServerV4, Payload = new byte[10] };
        Assert.Equal(50, fits.PacketLength);

        Assert.True(WritesNothing(fits, 49), "buffer one byte short");
        Assert.True(WritesNothing(fits, 29, segmentOnly: true), "segment buffer one byte short");
        Assert.True(WritesNothing(fits with { DestinationAddress = ServerV6 }, 100), "IPv4 source, IPv6 destination");
        Assert.True(WritesNothing(fits with { SourceAddress = new byte[5], DestinationAddress = new byte[5] }, 100), "5-byte addresses");
        Assert.True(WritesNothing(fits with { SackBlocks = fiveBlocks }, 200), "five SACK blocks");
        Assert.True(WritesNothing(fits with { SackBlocks = fourBlocks, Timestamps = default(TcpTimestamps) }, 200), "48 option bytes");
        Assert.True(WritesNothing(fits with { RawOptions = new byte[41] }, 200), "41 raw option bytes");
        Assert.True(WritesNothing(fits with { Payload = new byte[65535 - 40 + 1] }, 70_000), "IPv4 total length above 65535");
        Assert.True(WritesNothing(fits with { SourceAddress = ClientV6, DestinationAddress = ServerV6, FlowLabel = 0x100000 }, 200), "21-bit flow label");
        Assert.True(WritesNothing(fits with { DestinationAddress = ServerV6 }, 100, segmentOnly: true), "segment: mixed families");
        Assert.True(WritesNothing(fits with { SackBlocks = fiveBlocks }, 200, segmentOnly: true), "segment: five SACK blocks");
        Assert.True(WritesNothing(fits with { Payload = new byte[65535 - 40 + 1] }, 70_000, segmentOnly: true), "segment: IPv4 length above 65535");
    }

    [Fact]
    public void TryWrite_LargestPackets_FitTheLengthFields()
    {
        var v4 = new TcpSegmentWriter { SourceAddress = ClientV4, DestinationAddress = ServerV4, Payload = new byte[65535 - 40] };
        var v6 = new TcpSegmentWriter { SourceAddress = ClientV6, DestinationAddress = ServerV6, Payload = new byte[65535 - 20] };
        byte[] buffer = new byte[65535 + 40];

        Assert.True(v4.TryWrite(buffer, out int written4));
        Assert.Equal(65535, written4);
        Assert.True(Ipv4Header.TryRead(buffer, out Ipv4Header ip4));
        Assert.Equal(65535, ip4.TotalLength);
        Assert.True(v6.TryWrite(buffer, out int written6));
        Assert.Equal(65535 + 40, written6);
        Assert.True(Ipv6Header.TryRead(buffer, out Ipv6Header ip6));
        Assert.Equal(65535, ip6.PayloadLength);
    }

    [Fact]
    public void TryWrite_Repeated_AllocatesZeroBytes()
    {
        byte[] packet = new byte[1500];
        byte[] payload = new byte[1448];
        SackBlock[] sack = [new(new SeqNum(1), new SeqNum(2)), new(new SeqNum(3), new SeqNum(4))];
        Write(packet, payload, sack); // warm up: JIT and static initialization are not per-packet costs

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Write(packet, payload, sack);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.True(TcpHeader.TryRead(ip.Payload, out TcpHeader tcp));
        Assert.True(tcp.IsChecksumValid(ip.SourceAddressBytes, ip.DestinationAddressBytes));
        Assert.Equal(0, allocated);
    }

    private static void Write(byte[] packet, byte[] payload, SackBlock[] sack)
    {
        var writer = new TcpSegmentWriter
        {
            SourceAddress = ClientV4,
            DestinationAddress = ServerV4,
            Flags = TcpFlags.Ack,
            Timestamps = new TcpTimestamps(new SeqNum(1), new SeqNum(2)),
            SackBlocks = sack.AsSpan(0, 1),
            Payload = payload.AsSpan(0, 1400),
        };
        writer.TryWrite(packet, out _);
    }

    /// <summary>True when the write (whole packet, or the segment alone) returns false, 0 bytes, and leaves the buffer as it was.</summary>
    private static bool WritesNothing(TcpSegmentWriter writer, int bufferLength, bool segmentOnly = false)
    {
        byte[] buffer = new byte[bufferLength];
        buffer.AsSpan().Fill(0xAA);
        bool wrote = segmentOnly ? writer.TryWriteSegment(buffer, out int written) : writer.TryWrite(buffer, out written);
        return !wrote && written == 0 && buffer.All(b => b == 0xAA);
    }
}
