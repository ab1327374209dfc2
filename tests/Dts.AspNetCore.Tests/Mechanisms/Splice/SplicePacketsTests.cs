using Dts.AspNetCore.Mechanisms.Splice;
using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Tests.Mechanisms.Splice;

public class SplicePacketsTests
{
    private static readonly byte[] Client = [10, 77, 0, 1];
    private static readonly byte[] Vip = [10, 77, 0, 2];

    [Fact]
    public void WriteAck_TimestampsAndBytes_WritesTheInjectedSegment()
    {
        byte[] payload = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();
        byte[] packet = new byte[SplicePackets.Length(payload.Length, timestamps: true)];

        SplicePackets.WriteAck(packet, Client, Vip, 43514, 8080, new SeqNum(0x47D75A00), new SeqNum(0xD4E830D5), 63,
            (0xB2C2E4DF, 0x60BD99A0), payload);

        // The captured client data segment (CapturedPackets.Data in Dts.Core.Tests) but for the IPv4 id and header
        // checksum, which IP_HDRINCL leaves to the kernel: NOP NOP TS, ACK|PSH, TCP checksum 0x8006 as captured.
        Assert.Equal(
            "4500004600004000400600000a4d00010a4d0002a9fa1f9047d75a00d4e830d58018003f80060000" +
            "0101080ab2c2e4df60bd99a0474554202f20485454502f312e310d0a0d0a",
            Convert.ToHexStringLower(packet));
    }

    [Fact]
    public void WriteAck_Reset_WritesBareRstAck()
    {
        byte[] packet = new byte[SplicePackets.Length(0, timestamps: false)];

        SplicePackets.WriteAck(packet, Client, Vip, 43514, 8080, new SeqNum(0xFFFFFFFF), new SeqNum(1), 0, null, default, TcpFlags.Rst);

        Assert.Equal(
            "4500002800004000400600000a4d00010a4d0002a9fa1f90ffffffff0000000150140000d1a80000",
            Convert.ToHexStringLower(packet));
    }
}
