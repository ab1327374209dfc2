using System.Net;
using System.Net.Sockets;
using Dts.Core.Ownership;
using Dts.Core.Packets;
using Dts.Core.Tcp;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>
/// The target's per-flow Splice state (translator rules in SpliceFlowTable, the nft <c>spliced</c>/<c>handed_in</c>
/// elements) against ordinary client behaviour (port reuse) and against segments a real TCP stack ignores
/// (a duplicate SYN, an out-of-window RST; RFC 5961). Every connection is a keep-alive GET of /api/whoami
/// (served by n3) from a fixed client port below the ephemeral range whose jhash owner is not n3, so it is
/// handed over by Splice.
/// </summary>
[Collection(SpliceClusterCollection.Name)]
public sealed class SpliceFlowStateTests(SpliceClusterFixture cluster)
{
    private const int Target = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private const string Get = "GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n";

    // Regression guard (fixed): a reused client port handed to the same target within the translator's close
    // linger (60 s; 10 min when it never saw the close) was translated with the PREVIOUS connection's Δseq/Δts,
    // because the commit ignored that the key was still in the flow table: the response left tens of kB off
    // sequence, the client discarded it and the request hung. Expected: the second connection is answered.
    [RootFact]
    public async Task ReusedClientPort_SplicedToTheSameTarget_IsAnswered()
    {
        var port = PortsHandedOver(1, 0).Single();
        var t = cluster.Testbed;
        using (var c1 = t.CreateSocket(t.ClientNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            c1.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            c1.Bind(new IPEndPoint(t.ClientAddress, port));
            using var cts = new CancellationTokenSource(Bound);
            await c1.ConnectAsync(new IPEndPoint(t.Vip, t.Port), cts.Token);
            await c1.SendAsync(System.Text.Encoding.ASCII.GetBytes(Get), SocketFlags.None);
            var reply1 = "";
            var buffer = new byte[65536];
            while (!reply1.Contains("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await c1.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                Assert.True(n > 0, reply1);
                reply1 += System.Text.Encoding.Latin1.GetString(buffer, 0, n);
            }
            Assert.StartsWith("HTTP/1.1 200", reply1);
            Assert.NotNull(KeepAliveClient.Header(reply1, "X-Dts-Origin"));
            c1.LingerState = new LingerOption(true, 0); // close with RST: no TIME_WAIT anywhere, the port is free at once
        }
        await Task.Delay(300);

        using var c2 = await KeepAliveClient.ConnectAsync(cluster.Testbed, Bound, port);
        await c2.SendAsync(Get);
        var reply2 = await c2.ReadResponseAsync(Bound);
        Assert.True(reply2.StartsWith("HTTP/1.1 200", StringComparison.Ordinal),
            $"port {port}: the second connection got no answer within {Bound}: {reply2}\n{cluster.Logs()}");
    }

    // Regression guard (fixed): a pure SYN on the 4-tuple of a live spliced connection (a stale duplicate, or
    // spoofed by anyone who knows the client address and port) used to delete the flow's nft elements on every
    // node, so the target's segments left untranslated and the origin answered the client with RST. A TCP
    // endpoint answers such a SYN with a challenge ACK and keeps the connection (RFC 5961 §4, RFC 9293 §3.10.7.4).
    // Expected: the next request on the connection is answered.
    [RootFact]
    public async Task DuplicateSyn_OnLiveSplicedConnection_ConnectionSurvives()
    {
        var (c, port) = await ConnectHandedOverAsync(100);
        using var _ = c;

        SendRaw(port, (uint)Random.Shared.Next(), 0, TcpFlags.Syn);
        await Task.Delay(300);

        string reply2;
        try
        {
            await c.SendAsync(Get);
            reply2 = await c.ReadResponseAsync(Bound);
        }
        catch (SocketException e)
        {
            reply2 = $"INCOMPLETE({e.SocketErrorCode})";
        }
        Assert.True(reply2.StartsWith("HTTP/1.1 200", StringComparison.Ordinal),
            $"port {port}: after a duplicate SYN the connection is gone: {reply2}");
    }

    // Regression guard (fixed): an RST far outside the window — which the target's stack ignores (RFC 5961 §3.2)
    // — used to mark the flow closed in the translator whatever its sequence number; after the close linger the
    // state was freed and the live connection black-holed. Only the target's own RST closes a flow now.
    // Expected: the request after the idle period is answered.
    [RootFact]
    public async Task OutOfWindowRst_DoesNotCondemnLiveSplicedConnection()
    {
        var (c, port) = await ConnectHandedOverAsync(200);
        using var _ = c;

        SendRaw(port, (uint)Random.Shared.Next(), 0, TcpFlags.Rst); // sequence number out of window
        await Task.Delay(300);
        await c.SendAsync(Get);
        Assert.StartsWith("HTTP/1.1 200", await c.ReadResponseAsync(Bound)); // the stack ignored it

        await Task.Delay(TimeSpan.FromSeconds(70)); // > close linger (60 s) + sweep period (5 s); < keep-alive (130 s)
        await c.SendAsync(Get);
        var reply3 = await c.ReadResponseAsync(Bound);
        Assert.True(reply3.StartsWith("HTTP/1.1 200", StringComparison.Ordinal),
            $"port {port}: the live connection was black-holed after an ignored RST: {reply3}");
    }

    /// <summary>
    /// A keep-alive connection whose first request was handed over (<c>X-Dts-Origin</c>), and its client port. A
    /// handover may rightly fall back (proxied, e.g. on a busy node), so candidates are tried until one was handed
    /// over, as <see cref="Handovers"/> does.
    /// </summary>
    private async Task<(KeepAliveClient Client, int Port)> ConnectHandedOverAsync(int offset)
    {
        foreach (var port in PortsHandedOver(Handovers.Attempts, offset))
        {
            var c = await KeepAliveClient.ConnectAsync(cluster.Testbed, Bound, port);
            await c.SendAsync(Get);
            if (KeepAliveClient.Header(await c.ReadResponseAsync(Bound), "X-Dts-Origin") is not null)
            {
                return (c, port);
            }
            c.Dispose();
        }
        throw new Xunit.Sdk.XunitException($"no connection out of {Handovers.Attempts} was handed over\n{cluster.Logs()}");
    }

    /// <summary>Ports below the client's ephemeral range (32768) not owned by the target, so their connections are handed over.</summary>
    private IEnumerable<int> PortsHandedOver(int count, int offset)
    {
        var t = cluster.Testbed;
        var first = 21_000 + offset + (Environment.ProcessId % 40) * 250;
        return Enumerable.Range(first, 100)
            .Where(p => t.OwnerIndex(p) != Target - 1)
            .Take(count);
    }

    /// <summary>Sends one TCP segment "from the client" (client address and <paramref name="port"/> → VIP:80) from the client namespace.</summary>
    private void SendRaw(int port, uint seq, uint ack, TcpFlags flags)
    {
        var t = cluster.Testbed;
        var segment = new TcpSegmentWriter
        {
            SourceAddress = t.ClientAddress.GetAddressBytes(),
            DestinationAddress = t.Vip.GetAddressBytes(),
            SourcePort = (ushort)port,
            DestinationPort = t.Port,
            SequenceNumber = new SeqNum(seq),
            AcknowledgmentNumber = new SeqNum(ack),
            Flags = flags,
            Window = 64240,
        };
        var packet = new byte[segment.PacketLength];
        Assert.True(segment.TryWrite(packet, out _));
        using var raw = t.CreateSocket(t.ClientNamespace, AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
        raw.SendTo(packet, new IPEndPoint(t.Vip, 0));
    }
}
