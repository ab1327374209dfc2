using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dts.Core.Packets;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Netfilter;

/// <summary>
/// Packets through the installed table: in one namespace the VIP and a client address sit on lo, so a
/// local connect() traverses output, then prerouting. No listener runs: a connect the filter lets through
/// is refused by an RST at once, a connect it drops stays pending.
/// </summary>
public sealed partial class NftFlowTablePacketTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.0.5");
    private const ushort Port = 80;

    private readonly TestNamespaces _namespaces = new();
    private readonly NetworkNamespace _ns;

    public NftFlowTablePacketTests()
    {
        _ns = _namespaces.Add("pkt");
        TestNamespaces.Ip(_ns, $"addr add {Vip}/32 dev lo");
        TestNamespaces.Ip(_ns, $"addr add {ClientAddress}/32 dev lo");
    }

    public void Dispose() => _namespaces.Dispose();

    [RootFact]
    public void HashRule_SplitsFlows_AndHandedInOverridesIt()
    {
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromMinutes(2))));
        table.Install();

        int[] ports = Enumerable.Range(41000, 24).ToArray();
        bool[] passed = Probe(ports);
        Assert.Contains(true, passed);
        Assert.Contains(false, passed); // 24 flows, 2 nodes: P(all on one node) = 2^-23

        // The sets decide before the hash, for a SYN too: the owner's stack judges it (a challenge ACK on a live
        // connection, RFC 5961 §4; a new connection on a reused client port otherwise).
        int dropped = ports[Array.IndexOf(passed, false)];
        table.AddHandedIn(Flow(dropped));
        Assert.True(Probe([dropped])[0], "a handed_in flow passes although another node owns its hash");

        int owned = ports[Array.IndexOf(passed, true)];
        table.AddHandedOut(Flow(owned));
        Assert.False(Probe([owned])[0], "a handed_out flow is dropped although this node owns its hash");
    }

    [RootFact]
    public void ElementTimeout_IsRefreshedByMatchingPackets()
    {
        const double Idle = 20;
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromSeconds(Idle))));
        table.Install();
        table.AddHandedOut(Flow(42001));
        table.AddHandedIn(Flow(42002));
        Thread.Sleep(2000);
        Assert.InRange(Expires(table, "handed_out", 42001), 0, Idle - 2);
        Assert.InRange(Expires(table, "handed_in", 42002), 0, Idle - 2);

        // Refreshed by the flow's (non-SYN) packets: expiry ≈ Idle − (time since the packet). Not refreshed it
        // would be ≥ 2 s lower.
        long start = Stopwatch.GetTimestamp();
        using (var injector = _ns.Run(() => new RawInjector()))
        {
            injector.Send(Ack(42001));
            injector.Send(Ack(42002));
        }
        Thread.Sleep(50);
        double outAfter = Expires(table, "handed_out", 42001);
        double inAfter = Expires(table, "handed_in", 42002);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Assert.InRange(outAfter, Idle - elapsed - 0.1, Idle);
        Assert.InRange(inAfter, Idle - elapsed - 0.1, Idle);
    }

    /// <summary>Connects from each client port at once; true = refused (the filter passed it), false = still pending.</summary>
    private bool[] Probe(int[] clientPorts)
    {
        var sockets = clientPorts.Select(p =>
        {
            Socket s = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(ClientAddress, p));
            return s;
        }).ToArray();
        try
        {
            Task[] connects = sockets.Select(s => s.ConnectAsync(new IPEndPoint(Vip, Port))).ToArray();
            Task.WaitAny(Task.WhenAll(connects), Task.Delay(400));
            return connects.Select(c => c.IsFaulted && c.Exception!.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }).ToArray();
        }
        finally
        {
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>A bare ACK from the client to the VIP (20-byte IPv4 + 20-byte TCP header, both checksums set).</summary>
    private static byte[] Ack(int clientPort) =>
        Ipv4Packets.Tcp(new IPEndPoint(ClientAddress, clientPort), new IPEndPoint(Vip, Port),
            new TcpSegmentWriter { Flags = TcpFlags.Ack, Window = 0xff });

    /// <summary>Seconds until the element for <paramref name="clientPort"/> expires, from <c>list set</c>.</summary>
    private static double Expires(NftFlowTable table, string set, int clientPort)
    {
        string listing = table.ListSet(set);
        Match m = Regex.Match(listing, $@"{Regex.Escape(ClientAddress.ToString())} \. {clientPort}(?: timeout \S+)? expires (?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?");
        Assert.True(m.Success, $"element {clientPort} not found in:\n{listing}");
        static double Part(Group g) => g.Success ? double.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        return (Part(m.Groups[1]) * 60) + Part(m.Groups[2]) + (Part(m.Groups[3]) / 1000);
    }

    private static NftFlowTableOptions Options(TimeSpan idle) => new()
    {
        Vip = Vip,
        Port = Port,
        NodeIndex = 0,
        NodeCount = 2,
        HashSeed = 0x5eed,
        FlowIdleTimeout = idle,
    };

    private static FlowKey Flow(int clientPort) => new(new IPEndPoint(ClientAddress, clientPort), new IPEndPoint(Vip, Port));
}
