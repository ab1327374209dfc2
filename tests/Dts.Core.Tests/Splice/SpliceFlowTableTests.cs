using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using static Dts.Core.Tests.Splice.SpliceTestPackets;

namespace Dts.Core.Tests.Splice;

public class SpliceFlowTableTests
{
    private static readonly SpliceRules Rules = new(1000, 10, 7, 7);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    private static byte[] Packet(bool v6, bool egress, TcpFlags flags, int length = 0) =>
        Build(new SegmentSpec(v6, egress, flags, 5000, 7000, 100, true, 1, 2, [], 2, length, false));

    private static (SpliceFlowTable Table, SpliceFlowKey Key, long Second) NewTable(bool v6)
    {
        var table = new SpliceFlowTable(Idle, Linger);
        Assert.True(SpliceFlowKey.TryRead(Packet(v6, true, TcpFlags.Ack), egress: true, out SpliceFlowKey key));
        Assert.True(table.TryAdd(key, Rules, 100, out _));
        return (table, key, table.TimeProvider.TimestampFrequency);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryRead_EgressAndIngressOfOneFlow_GiveTheSameKey(bool v6)
    {
        Assert.True(SpliceFlowKey.TryRead(Packet(v6, true, TcpFlags.Ack), egress: true, out SpliceFlowKey egress));
        Assert.True(SpliceFlowKey.TryRead(Packet(v6, false, TcpFlags.Ack), egress: false, out SpliceFlowKey ingress));

        Assert.Equal(egress, ingress);
        Assert.Equal(ClientPort, egress.ClientPort);
        Assert.Equal(VipPort, egress.LocalPort);
        if (!v6)
        {
            Assert.Equal(SpliceFlowKey.FromIPv4(0x0A4D0001u, ClientPort, VipPort), egress);
        }
    }

    [Fact]
    public void TranslateEgressAndIngress_KnownFlow_TranslatesAndCountsPayloadBytes()
    {
        (SpliceFlowTable table, SpliceFlowKey key, long second) = NewTable(false);
        byte[] data = Packet(false, true, TcpFlags.Ack | TcpFlags.Psh, 1448);
        byte[] ack = Packet(false, false, TcpFlags.Ack);

        Assert.Equal(TranslateResult.Translated, table.TranslateEgress(data, false, 100 + second));
        Assert.Equal(TranslateResult.Translated, table.TranslateIngress(ack, false, 100 + (2 * second)));

        Assert.Equal(new SeqNum(5000 + 1000), Seq(data));
        Assert.Equal(new SeqNum(7000 - 1000), Ack(ack));
        Assert.True(table.TryGet(key, out SpliceFlowState? state));
        Assert.Equal((1, 1448L, 1, 0L), (state.EgressPackets, state.EgressBytes, state.IngressPackets, state.IngressBytes));
        Assert.Equal(100 + (2 * second), state.LastActivityTimestamp);
        Assert.False(state.IsClosed);
    }

    [Fact]
    public void TranslateEgress_UnknownFlowOrNotTcp_ReturnsReasonAndWritesNothing()
    {
        (SpliceFlowTable table, _, _) = NewTable(false);
        byte[] other = Packet(true, true, TcpFlags.Ack);
        byte[] copy = (byte[])other.Clone();

        Assert.Equal(TranslateResult.UnknownFlow, table.TranslateEgress(copy, false, 0));
        Assert.Equal(TranslateResult.NotTcp, table.TranslateIngress([0x45, 0, 0], false, 0));
        Assert.Equal(other, copy);
    }

    [Fact]
    public void Sweep_FinBothWays_FreedOnlyAfterLingerAndReportsBytes()
    {
        (SpliceFlowTable table, SpliceFlowKey key, long second) = NewTable(false);
        table.TranslateEgress(Packet(false, true, TcpFlags.Fin | TcpFlags.Ack, 10), false, 1000);
        Assert.Equal(0, table.Sweep(1000 + (40 * second)));
        table.TranslateIngress(Packet(false, false, TcpFlags.Fin | TcpFlags.Ack, 3), false, 2000);
        table.TranslateEgress(Packet(false, true, TcpFlags.Ack), false, 3000); // the last ACK: still translated

        var reported = new List<(SpliceFlowKey, long, long)>();
        Assert.Equal(0, table.Sweep(2000 + (29 * second), (k, s) => reported.Add((k, s.EgressBytes, s.IngressBytes))));
        Assert.Equal(1, table.Sweep(2000 + (30 * second), (k, s) => reported.Add((k, s.EgressBytes, s.IngressBytes))));

        Assert.Equal([(key, 10L, 3L)], reported);
        Assert.Equal(0, table.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TranslateEgress_ResetAfterBothFins_NotTranslatedSoTheFilterDropsIt(bool v6)
    {
        // Seen in CI: the target's stack answered a late handshake probe with an RST after a clean close.
        (SpliceFlowTable table, SpliceFlowKey key, _) = NewTable(v6);
        table.TranslateEgress(Packet(v6, true, TcpFlags.Fin | TcpFlags.Ack), false, 1000);
        table.TranslateIngress(Packet(v6, false, TcpFlags.Fin | TcpFlags.Ack), false, 1100);
        byte[] rst = Packet(v6, true, TcpFlags.Rst);
        byte[] before = (byte[])rst.Clone();

        Assert.Equal(TranslateResult.ResetAfterClose, table.TranslateEgress(rst, false, 1200));
        Assert.Equal(before, rst);
        Assert.True(table.TryGet(key, out SpliceFlowState? state));
        Assert.False(state.ResetSeen);
    }

    [Fact]
    public void TranslateEgress_ResetAfterOneFin_Translated()
    {
        // The target's reset of a half-closed connection is a real one: the client must see it.
        (SpliceFlowTable table, _, _) = NewTable(false);
        table.TranslateEgress(Packet(false, true, TcpFlags.Fin | TcpFlags.Ack), false, 1000);

        Assert.Equal(TranslateResult.Translated, table.TranslateEgress(Packet(false, true, TcpFlags.Rst), false, 1200));
    }

    [Fact]
    public void Sweep_EgressReset_ClosesTheFlow()
    {
        (SpliceFlowTable table, SpliceFlowKey key, long second) = NewTable(true);
        table.TranslateEgress(Packet(true, true, TcpFlags.Rst), false, 500);

        Assert.True(table.TryGet(key, out SpliceFlowState? state));
        Assert.True(state.ResetSeen && state.IsClosed);
        Assert.Equal(1, table.Sweep(500 + (30 * second)));
    }

    [Fact]
    public void Sweep_IngressReset_DoesNotCloseTheFlow()
    {
        // Anyone can send an RST toward the target; its stack ignores those out of window (RFC 5961 §3).
        (SpliceFlowTable table, SpliceFlowKey key, long second) = NewTable(true);
        table.TranslateIngress(Packet(true, false, TcpFlags.Rst), false, 500);

        Assert.True(table.TryGet(key, out SpliceFlowState? state));
        Assert.False(state.ResetSeen || state.IsClosed);
        Assert.Equal(0, table.Sweep(500 + (30 * second)));
    }

    [Fact]
    public void Sweep_IdleFlow_FreedAfterIdleTimeoutOnly()
    {
        (SpliceFlowTable table, _, long second) = NewTable(false);
        table.TranslateEgress(Packet(false, true, TcpFlags.Ack), false, 1000);

        Assert.Equal(0, table.Sweep(1000 + (299 * second)));
        Assert.Equal(1, table.Sweep(1000 + (300 * second)));
    }

    [Fact]
    public void TryAdd_ExistingKey_KeepsFirstRules()
    {
        (SpliceFlowTable table, SpliceFlowKey key, _) = NewTable(false);

        Assert.False(table.TryAdd(key, Rules with { SeqDelta = 1 }, 5, out SpliceFlowState existing));
        Assert.Equal(Rules, existing.Rules);
    }
}
