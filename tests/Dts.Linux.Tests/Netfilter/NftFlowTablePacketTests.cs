using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dts.Core.Ownership;
using Dts.Core.Packets;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Netfilter;

/// <summary>
/// Packets through the installed table: in one namespace the VIP and a client address sit on lo, so a local
/// connect() traverses output, then prerouting. A connect the filter drops stays pending; one it lets through meets
/// the wildcard listener (or, without one, nothing: the rule wants a listener there, so it is dropped too).
/// </summary>
public sealed partial class NftFlowTablePacketTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.0.5");
    private const ushort Port = 80;
    private const int Buckets = 8;
    private const uint Seed = 0x5eed;
    private static readonly TimeSpan Pending = TimeSpan.FromMilliseconds(400);

    private readonly TestNamespaces _namespaces = new();
    private readonly NetworkNamespace _ns;

    public NftFlowTablePacketTests()
    {
        _ns = _namespaces.Add("pkt");
        TestNamespaces.Ip(_ns, $"addr add {Vip}/32 dev lo");
        TestNamespaces.Ip(_ns, $"addr add {ClientAddress}/32 dev lo");
    }

    public void Dispose() => _namespaces.Dispose();

    // Only the opening of a connection is judged by the bucket table, and only when a listener is there to answer:
    // a node whose process died keeps its table, and its kernel must not reset the SYNs of buckets it still lists.
    [RootFact]
    public void Syn_IsAnsweredOnlyInThisNodesBuckets_AndOnlyWithAListener()
    {
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromMinutes(2))));
        table.Install();
        int[] mine = [0, 1, 2, 3];
        table.SetBuckets(mine);
        int[] ports = Enumerable.Range(41000, 24).ToArray();
        using (Socket listener = Listen())
        {
            var connected = Connect(ports);
            for (int i = 0; i < ports.Length; i++)
            {
                Assert.True(mine.Contains(Bucket(ports[i])) == (connected[i] is not null),
                    $"port {ports[i]} (bucket {Bucket(ports[i])}): connected={connected[i] is not null}");
            }
            Assert.Contains(connected, c => c is not null);
            Assert.Contains(connected, c => c is null); // 24 flows, half the buckets: P(all on one side) = 2^-23
            foreach (var c in connected)
            {
                c?.Dispose();
            }
        }

        // No listener: nothing is answered, not even with an RST (a connect stays pending, none is refused).
        int[] fresh = Enumerable.Range(41100, 40).Where(p => mine.Contains(Bucket(p))).Take(4).ToArray();
        Assert.All(ConnectOutcomes(fresh), outcome => Assert.Equal("pending", outcome));
    }

    // Regression guards: (1) the client's FIN to a socket its owner already closed (FIN-WAIT-2, no full socket any
    // more) once went unanswered, so the server never reached TIME-WAIT and the client stayed in LAST-ACK; (2) the
    // bucket rule's socket check once wanted the listener itself, and a SYN on a port whose previous connection this
    // node had closed first (TIME-WAIT here: the lookup finds it before the listener) was dropped everywhere — a busy
    // client reusing ports saw connects time out.
    [RootFact]
    public void Syn_OnAPortInTimeWaitHere_IsAnsweredByTheBucketOwner()
    {
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromMinutes(2))));
        table.Install();
        table.SetBuckets(Enumerable.Range(0, Buckets));
        using Socket listener = Listen();
        int port = 41250;
        using (Socket client = Connect([port])[0] ?? throw new InvalidOperationException("not connected"))
        using (Socket server = listener.Accept())
        {
            server.Shutdown(SocketShutdown.Both); // the server closes first: TIME-WAIT on this side
            Assert.Equal(0, client.Receive(new byte[1]));
        }
        SocketExtensions.WaitUntil(() => Shell.Run("ip", ["netns", "exec", _ns.Name, "ss", "-tanH", "state", "time-wait", $"( dport = :{port} )"]).Trim().Length > 0,
            TimeSpan.FromSeconds(2), "the server side is in TIME-WAIT");

        using Socket again = Connect([port])[0] ?? throw new InvalidOperationException("the SYN on a port in TIME-WAIT was not answered");
    }

    // A bucket moving away never touches an established connection: its socket owns the flow.
    [RootFact]
    public void EstablishedFlow_KeepsFlowing_WhenItsBucketMovesAway()
    {
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromMinutes(2))));
        table.Install();
        table.SetBuckets(Enumerable.Range(0, Buckets));
        using Socket listener = Listen();
        int port = 41200;
        using Socket client = Connect([port])[0] ?? throw new InvalidOperationException("not connected");
        using Socket server = listener.Accept();

        table.SetBuckets([]);
        client.Send("ping"u8);
        Assert.Equal("ping", Receive(server, 4));
        server.Send("pong"u8);
        Assert.Equal("pong", Receive(client, 4));

        Assert.Null(Connect([port + 1])[0]); // a new connection in a bucket this node no longer has
    }

    // The origin's side of a handover: the flow is dropped both ways while handed out; the client's RST (or FIN)
    // moves it to `closed`, and a SYN on the reused port is a new connection again.
    [RootFact]
    public void HandedOutFlow_IsDroppedBothWays_UntilTheClientEndsIt_ThenItsPortConnectsAgain()
    {
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromMinutes(2))));
        table.Install();
        table.SetBuckets(Enumerable.Range(0, Buckets));
        using Socket listener = Listen();
        int port = 41300;
        Socket client = Connect([port])[0] ?? throw new InvalidOperationException("not connected");
        Socket server = listener.Accept();
        FlowKey flow = Flow(port);

        table.AddHandedOut(flow);
        client.Send("lost"u8);
        server.ReceiveTimeout = 300;
        Assert.Throws<SocketException>(() => server.Receive(new byte[4]));
        // As the origin does once the target has the flow: a close in repair mode sends nothing.
        TcpRepair.Freeze(server.SafeHandle);
        server.Dispose();

        client.LingerState = new LingerOption(true, 0);
        client.Dispose(); // RST
        SocketExtensions.WaitUntil(() => table.ContainsClosed(flow) && !table.ContainsHandedOut(flow), TimeSpan.FromSeconds(2), "the client's RST moves the flow to closed");

        using Socket again = Connect([port])[0] ?? throw new InvalidOperationException("the reused port did not connect");
        Assert.False(table.ContainsClosed(flow), "the new connection's SYN removed the flow from closed");
    }

    [RootFact]
    public void ElementTimeout_IsRefreshedByMatchingPackets()
    {
        const double Idle = 20;
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(Options(TimeSpan.FromSeconds(Idle))));
        table.Install();
        table.AddHandedOut(Flow(42001));
        Thread.Sleep(2000);
        Assert.InRange(Expires(table, "handed_out", 42001), 0, Idle - 2);

        // Refreshed by the flow's (non-SYN) packets: expiry ≈ Idle − (time since the packet). Not refreshed it
        // would be ≥ 2 s lower.
        long start = Stopwatch.GetTimestamp();
        using (var injector = _ns.Run(() => new RawInjector()))
        {
            injector.Send(Ack(42001));
        }
        Thread.Sleep(50);
        double outAfter = Expires(table, "handed_out", 42001);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Assert.InRange(outAfter, Idle - elapsed - 0.1, Idle);
    }

    private static int Bucket(int clientPort) => FlowOwner.Bucket(ClientAddress, (ushort)clientPort, Seed, Buckets);

    private Socket Listen()
    {
        Socket listener = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, Port));
        listener.Listen(64);
        return listener;
    }

    /// <summary>
    /// Connects from each client port at once; the connected sockets, null where the SYN went unanswered (or was
    /// refused). Judged by each socket's state in the kernel (<see cref="Settle"/>), not by when the connect's task
    /// completes: on a busy machine that continuation once ran after the wait, and a connected flow read as dropped.
    /// </summary>
    private Socket?[] Connect(int[] clientPorts)
    {
        var sockets = clientPorts.Select(Bound).ToArray();
        Task[] connects = sockets.Select(s => s.ConnectAsync(new IPEndPoint(Vip, Port))).ToArray();
        var states = Settle(sockets);
        var result = new Socket?[sockets.Length];
        for (int i = 0; i < sockets.Length; i++)
        {
            if (states[i] == TcpSocketState.Established)
            {
                // The kernel finished the handshake: the task completes too (the Socket object then says connected).
                Assert.True(connects[i].Wait(TimeSpan.FromSeconds(30)), $"port {clientPorts[i]}: established, but ConnectAsync did not complete");
                result[i] = sockets[i];
            }
            else
            {
                sockets[i].Dispose();
            }
        }
        return result;
    }

    /// <summary>Per client port: "connected", "refused" (an RST came back) or "pending" (nothing came back), from the kernel's state.</summary>
    private string[] ConnectOutcomes(int[] clientPorts)
    {
        var sockets = clientPorts.Select(Bound).ToArray();
        try
        {
            Task[] connects = sockets.Select(s => s.ConnectAsync(new IPEndPoint(Vip, Port))).ToArray();
            return Settle(sockets).Select(state => state switch
            {
                TcpSocketState.Established => "connected",
                TcpSocketState.SynSent => "pending",
                TcpSocketState.Close => "refused",
                _ => state.ToString(),
            }).ToArray();
        }
        finally
        {
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>
    /// The sockets' TCP states once none is in SYN-SENT any more, or after <see cref="Pending"/>, whichever comes first.
    /// The handshake over lo is the kernel's own work (microseconds, whatever the thread pool is doing), so a SYN still
    /// unanswered after <see cref="Pending"/> was dropped.
    /// </summary>
    private static TcpSocketState[] Settle(Socket[] sockets)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var states = sockets.Select(s => TcpRepair.GetInfo(s.SafeHandle).State).ToArray();
            if (watch.Elapsed >= Pending || states.All(state => state != TcpSocketState.SynSent))
            {
                return states;
            }
            Thread.Sleep(5);
        }
    }

    private Socket Bound(int clientPort)
    {
        Socket s = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(ClientAddress, clientPort));
        return s;
    }

    private static string Receive(Socket socket, int count)
    {
        socket.ReceiveTimeout = 2000;
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            read += socket.Receive(buffer, read, count - read, SocketFlags.None);
        }
        return System.Text.Encoding.ASCII.GetString(buffer);
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
        Buckets = Buckets,
        HashSeed = Seed,
        FlowIdleTimeout = idle,
    };

    private static FlowKey Flow(int clientPort) => new(new IPEndPoint(ClientAddress, clientPort), new IPEndPoint(Vip, Port));
}
