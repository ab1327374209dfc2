using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Packets;

public class AllocationTests
{
    [Fact]
    public void TranslateIngressPacket_ParseAndRewriteEverything_AllocatesZeroBytes()
    {
        byte[] packet = [.. CapturedPackets.Bytes(CapturedPackets.Syn)];
        Translate(packet); // warm up: JIT and static initialization are not per-packet costs

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Translate(packet);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(Ipv4Header.TryRead(packet, out Ipv4Header ip));
        Assert.True(TcpHeader.TryRead(ip.Payload, out TcpHeader tcp));
        Assert.True(tcp.IsChecksumValid(ip.SourceAddressBytes, ip.DestinationAddressBytes));
        Assert.Equal(0, allocated);
    }

    private static void Translate(byte[] packet)
    {
        if (!Ipv4Header.TryRead(packet, out Ipv4Header ip) || ip.Protocol != TcpHeader.ProtocolNumber ||
            !TcpHeader.TryRead(ip.Payload, out TcpHeader tcp))
        {
            return;
        }

        tcp.RewriteAcknowledgmentNumber(tcp.AcknowledgmentNumber - 7);
        TcpOptions options = tcp.OptionsView;
        if (options.TryGetTimestamps(out TcpTimestamps ts))
        {
            tcp.TryRewriteTimestamps(ts with { EchoReply = ts.EchoReply - 3 });
        }

        foreach (TcpOption option in options)
        {
            _ = option.Kind;
        }

        _ = TcpSynOptions.TryParse(tcp, out _);
        ip.RewriteTtl((byte)(ip.Ttl - 1));
    }
}
