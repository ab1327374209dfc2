using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Packets;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dts.Linux.Tests.Netfilter;

/// <summary>
/// NFQUEUE end to end: client namespace A and server namespace B joined by a veth pair. In A an nft chain at
/// output priority -300 marks the test's traffic, <see cref="NfQueueSteering"/> sends marked packets to the queue
/// from the mangle output hook, and an <see cref="NfQueue"/> in A decides them.
/// </summary>
public sealed class NfQueueTests : IDisposable
{
    private const uint Mark = 0x7d5;
    private const ushort QueueNumber = 7;
    private const int TcpPort = 8080;
    private const int UdpPort = 9090;
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.80.1");
    private static readonly IPAddress ServerAddress = IPAddress.Parse("198.18.80.2");

    private readonly ITestOutputHelper _output;
    private readonly TestNamespaces _namespaces = new();
    private readonly NetworkNamespace _a;
    private readonly NetworkNamespace _b;
    private readonly NftContext _nftA;

    public NfQueueTests(ITestOutputHelper output)
    {
        _output = output;
        try
        {
            _a = _namespaces.Add("a");
            _b = _namespaces.Add("b");
            TestNamespaces.Ip(_a, $"link add a0 type veth peer name b0 netns {_b.Name}");
            TestNamespaces.Ip(_a, $"addr add {ClientAddress}/24 dev a0");
            TestNamespaces.Ip(_b, $"addr add {ServerAddress}/24 dev b0");
            TestNamespaces.Ip(_a, "link set a0 up");
            TestNamespaces.Ip(_b, "link set b0 up");
            _nftA = _a.Run(() => new NftContext());
            _nftA.Run($$"""
                table inet dts_lt_mark {
                  chain out {
                    type filter hook output priority -300; policy accept;
                    ip daddr {{ServerAddress}} tcp dport {{TcpPort}} meta mark set {{Mark}}
                    ip daddr {{ServerAddress}} udp dport {{UdpPort}} meta mark set {{Mark}}
                  }
                }
                """);
        }
        catch
        {
            _nftA?.Dispose();
            _namespaces.Dispose(); // xUnit does not call Dispose when the constructor throws
            throw;
        }
    }

    public void Dispose()
    {
        _nftA.Dispose();
        _namespaces.Dispose();
    }

    [RootFact]
    public void Handler_RewritesTtl_ReceiverSeesItAndDataArrivesIntact()
    {
        using NfQueueSteering steering = Steer();
        long seen = 0, notReady = 0, gso = 0, wrongHook = 0;
        using NfQueue queue = _a.Run(() => new NfQueue(new NfQueueOptions { QueueNumber = QueueNumber }, (ref QueuedPacket p) =>
        {
            Interlocked.Increment(ref seen);
            notReady += p.ChecksumNotReady ? 1 : 0;
            gso += p.IsGso ? 1 : 0;
            wrongHook += p.Hook == NetfilterHook.LocalOut && p.Mark == Mark && p.HardwareProtocol == 0x0800 && p.OutputInterfaceIndex != 0 ? 0 : 1;
            // nfqnl_mangle() sets CHECKSUM_NONE: a pseudo-header-only TCP sum must become a full checksum.
            Ipv4Packets.SetTtl(p.Payload, 99, completeTcpChecksum: p.ChecksumNotReady && !p.IsGso);

            return PacketVerdict.AcceptModified;
        }));
        using Socket capture = Capture();
        using Socket listener = Listen();
        using Socket client = Connect();
        using Socket server = listener.Accept();
        server.ReceiveTimeout = 10_000;

        // Bulk: 4 MiB client → server, checked byte for byte.
        byte[] data = Enumerable.Range(0, 4 << 20).Select(i => (byte)(i * 7 % 251)).ToArray();
        long packetsBefore = queue.Packets;
        var bulk = Stopwatch.StartNew();
        Task send = Task.Run(() => client.Send(data));
        byte[] received = server.ReceiveExactly(data.Length);
        bulk.Stop();
        send.GetAwaiter().GetResult();
        Assert.Equal(data, received);
        long bulkPackets = queue.Packets - packetsBefore;

        // Ping-pong: each 1-byte request is one queued packet on the client's egress.
        const int Rounds = 2000;
        byte[] one = [42];
        var pingPong = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++)
        {
            client.Send(one);
            server.ReceiveExactly(1);
            server.Send(one);
            client.ReceiveExactly(1);
        }

        pingPong.Stop();
        TimeSpan direct = PingPongUnsteered(Rounds);

        // What B received on the wire: every segment to the port carries TTL 99.
        int[] ttls = CapturedTtls(capture, minimum: 50);
        Assert.All(ttls, ttl => Assert.Equal(99, ttl));
        Assert.Equal(0, wrongHook);
        Assert.Equal(queue.Packets, queue.Modified);
        Assert.Equal(0, queue.Dropped + queue.VerdictErrors + queue.HandlerErrors + queue.NoBufferErrors);
        Assert.True(notReady > 0, "locally generated TCP on a veth is CHECKSUM_PARTIAL: NFQA_SKB_CSUMNOTREADY must be reported");
        _output.WriteLine($"bulk: {data.Length >> 20} MiB in {bulk.Elapsed.TotalMilliseconds:F0} ms through {bulkPackets} queued packets "
            + $"({bulkPackets / bulk.Elapsed.TotalSeconds:F0} packets/s, {data.Length / bulk.Elapsed.TotalSeconds / 1e6:F0} MB/s); "
            + $"GSO packets {gso}, checksum-not-ready {notReady} of {seen}");
        _output.WriteLine($"ping-pong: {pingPong.Elapsed.TotalMicroseconds / Rounds:F1} µs per round trip with one queued packet each, "
            + $"{direct.TotalMicroseconds / Rounds:F1} µs unsteered ({Rounds} rounds)");
    }

    [RootFact]
    public void Handler_WithoutGso_SeesMtuSizedPacketsWithCompleteChecksums()
    {
        using NfQueueSteering steering = Steer();
        long gsoOrNotReady = 0, largest = 0;
        var options = new NfQueueOptions { QueueNumber = QueueNumber, AcceptGso = false };
        using NfQueue queue = _a.Run(() => new NfQueue(options, (ref QueuedPacket p) =>
        {
            gsoOrNotReady += p.IsGso || p.ChecksumNotReady ? 1 : 0;
            largest = Math.Max(largest, p.Payload.Length);
            Ipv4Packets.SetTtl(p.Payload, 99);
            return PacketVerdict.AcceptModified;
        }));
        using Socket listener = Listen();
        using Socket client = Connect();
        using Socket server = listener.Accept();
        byte[] data = Enumerable.Range(0, 4 << 20).Select(i => (byte)(i * 13 % 253)).ToArray();
        long before = queue.Packets;
        var bulk = Stopwatch.StartNew();
        Task send = Task.Run(() => client.Send(data));
        byte[] received = server.ReceiveExactly(data.Length);
        bulk.Stop();
        send.GetAwaiter().GetResult();
        long packets = queue.Packets - before;

        Assert.Equal(data, received);
        Assert.Equal(0, gsoOrNotReady); // without NFQA_CFG_F_GSO the kernel segments and completes checksums first
        Assert.InRange(largest, 1, 1500);
        Assert.True(packets > data.Length / 1500);
        _output.WriteLine($"no GSO: {packets} queued packets in {bulk.Elapsed.TotalMilliseconds:F0} ms = {packets / bulk.Elapsed.TotalSeconds:F0} packets/s "
            + $"({data.Length / bulk.Elapsed.TotalSeconds / 1e6:F0} MB/s)");
    }

    [RootFact]
    public void AcceptModified_ChecksumNotReadyPacket_NeedsAFullTcpChecksum()
    {
        // nfqnl_mangle() sets CHECKSUM_NONE: a CHECKSUM_PARTIAL segment sent back with only its IP header fixed
        // leaves with the pseudo-header sum as its TCP checksum, and the receiver drops it.
        using NfQueueSteering steering = Steer();
        long notReady = 0;
        using NfQueue queue = _a.Run(() => new NfQueue(new NfQueueOptions { QueueNumber = QueueNumber }, (ref QueuedPacket p) =>
        {
            notReady += p.ChecksumNotReady ? 1 : 0;
            Ipv4Packets.SetTtl(p.Payload, 99);
            return PacketVerdict.AcceptModified;
        }));
        using Socket listener = Listen();
        Assert.False(TryConnect(out _), "the SYN's TCP checksum was left partial: B must drop it");
        Assert.True(notReady > 0 && queue.Modified > 0);
    }

    [RootFact]
    public void Steering_WithoutBoundQueue_DropsPackets_AndAfterDisposeAgain()
    {
        using NfQueueSteering steering = Steer();
        using Socket listener = Listen();
        Assert.False(TryConnect(out _), "nobody bound the queue: the SYN must be dropped, not passed");

        using (NfQueue queue = _a.Run(() => new NfQueue(new NfQueueOptions { QueueNumber = QueueNumber }, (ref QueuedPacket _) => PacketVerdict.Accept)))
        {
            Assert.True(TryConnect(out Socket? client), "with a bound queue accepting everything the connection works");
            client!.Dispose();
            Assert.True(queue.Accepted > 0);
        }

        Assert.False(TryConnect(out _), "after Dispose the queue is unbound: packets are dropped again");
        using Socket accepted = listener.Accept();
        Assert.False(listener.Poll(200_000, SelectMode.SelectRead), "exactly one connection reached the listener");
    }

    [RootFact]
    public void ReceiveBufferOverflow_CountsNoBuffers_LoopKeepsRunning()
    {
        using NfQueueSteering steering = Steer();
        int slow = 0;
        var options = new NfQueueOptions { QueueNumber = QueueNumber, ReceiveBufferSize = 4096, MaxQueueLength = 100_000 };
        using NfQueue queue = _a.Run(() => new NfQueue(options, (ref QueuedPacket p) =>
        {
            if (Interlocked.Increment(ref slow) <= 5)
            {
                Thread.Sleep(5);
            }

            return PacketVerdict.Accept;
        }));
        using Socket udp = _a.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] datagram = new byte[1200];
        for (int i = 0; i < 2000; i++)
        {
            udp.SendTo(datagram, new IPEndPoint(ServerAddress, UdpPort));
        }

        SocketExtensions.WaitUntil(() => queue.NoBufferErrors > 0, TimeSpan.FromSeconds(5), "ENOBUFS from the nfnetlink socket");

        // After an overrun the kernel drops every packet for the socket (NETLINK_S_CONGESTED) until the thread has
        // drained its receive queue; wait for that before the next connection.
        long settled;
        do
        {
            settled = queue.Packets;
            Thread.Sleep(100);
        }
        while (queue.Packets != settled);

        Assert.True(queue.IsRunning);
        Assert.Null(queue.Fault);

        // After the burst the queue still passes traffic.
        using Socket listener = Listen();
        long before = queue.Packets;
        Assert.True(TryConnect(out Socket? client, TimeSpan.FromSeconds(3)), "the queue still decides packets after ENOBUFS");
        client!.Dispose();
        Assert.True(queue.Packets > before);
        _output.WriteLine($"burst of 2000: {queue.Packets} queued, ENOBUFS {queue.NoBufferErrors}");
    }

    [RootFact]
    public void Steering_Install_IsIdempotent_AndUninstallRemovesEverything()
    {
        using NfQueueSteering steering = Steer();
        steering.Install();
        string rules = steering.ListRules();
        Assert.Equal(NfQueueSteeringMode.Iptables, steering.Mode); // CONFIG_NFT_QUEUE is unset on this machine kind
        Assert.Equal(2, CountOccurrences(rules, "-j NFQUEUE --queue-num 7")); // iptables + ip6tables, output hook, once each
        Assert.DoesNotContain("bypass", rules);
        steering.Uninstall();
        steering.Uninstall();
        Assert.Equal(0, CountOccurrences(steering.ListRules(), "NFQUEUE"));

        // The rules were installed in A only: B (and the root namespace) saw nothing.
        string inB = _b.Run(() => Shell.Run("iptables", "-t", "mangle", "-S"));
        Assert.DoesNotContain("NFQUEUE", inB);
    }

    [RootFact]
    public void Steering_NftablesMode_BuildsQueueRulesWithoutBypass()
    {
        bool supported = _a.Run(() =>
        {
            using var nft = new NftContext();
            return NfQueueSteering.IsNftQueueSupported(nft);
        });
        using NfQueueSteering steering = _a.Run(() => new NfQueueSteering(new NfQueueSteeringOptions
        {
            QueueNumber = QueueNumber,
            Mark = Mark,
            Mode = NfQueueSteeringMode.Nftables,
            Hooks = NfQueueSteeringHooks.Prerouting | NfQueueSteeringHooks.Output,
        }));
        string ruleset = steering.BuildNftRuleset();
        Assert.Contains("meta mark & 0xffffffff == 0x000007d5 queue num 7", ruleset);
        Assert.DoesNotContain("bypass", ruleset);
        if (supported)
        {
            steering.Install();
            Assert.Contains("queue", steering.ListRules());
            steering.Uninstall();
        }
        else
        {
            // The kernel, not the syntax, refuses it: the queue expression is unknown (ENOENT).
            NftException ex = Assert.Throws<NftException>(steering.Install);
            Assert.Contains("Could not process rule: No such file or directory", ex.Error);
        }

        Assert.Equal(string.Empty, steering.ListRules());
    }

    private NfQueueSteering Steer()
    {
        NfQueueSteering steering = _a.Run(() => new NfQueueSteering(new NfQueueSteeringOptions
        {
            QueueNumber = QueueNumber,
            Mark = Mark,
            Hooks = NfQueueSteeringHooks.Output,
        }));
        steering.Install();
        return steering;
    }

    /// <summary>The same ping-pong on a port nothing marks, for comparison.</summary>
    private TimeSpan PingPongUnsteered(int rounds)
    {
        using Socket listener = Listen(TcpPort + 1);
        using Socket client = _a.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(ServerAddress, TcpPort + 1));
        using Socket server = listener.Accept();
        byte[] one = [42];
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
        {
            client.Send(one);
            server.ReceiveExactly(1);
            server.Send(one);
            client.ReceiveExactly(1);
        }

        return watch.Elapsed;
    }

    private Socket Listen(int port = TcpPort)
    {
        Socket listener = _b.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(ServerAddress, port));
        listener.Listen();
        return listener;
    }

    private Socket Connect()
    {
        Assert.True(TryConnect(out Socket? client), "connect through the queue");
        return client!;
    }

    private bool TryConnect(out Socket? client, TimeSpan? timeLimit = null)
    {
        Socket socket = _a.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = 10_000;
        socket.SendTimeout = 10_000;
        using var timeout = new CancellationTokenSource(timeLimit ?? TimeSpan.FromSeconds(1));
        try
        {
            socket.ConnectAsync(new IPEndPoint(ServerAddress, TcpPort), timeout.Token).AsTask().GetAwaiter().GetResult();
            client = socket;
            return true;
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            client = null;
            return false;
        }
    }

    /// <summary>An AF_PACKET socket in B (ETH_P_ALL): sees b0's frames as they arrive, before netfilter.</summary>
    private Socket Capture()
    {
        Socket capture = _b.CreateSocket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)BinaryPrimitives.ReverseEndianness((ushort)0x0003));
        capture.ReceiveTimeout = 2000;
        capture.ReceiveBufferSize = 64 << 20;
        return capture;
    }

    /// <summary>TTLs of the captured IPv4 TCP segments from the client to <see cref="TcpPort"/>.</summary>
    private static int[] CapturedTtls(Socket capture, int minimum)
    {
        var ttls = new List<int>();
        byte[] frame = new byte[70_000];
        while (capture.Available > 0 || ttls.Count < minimum)
        {
            int n = capture.Receive(frame);
            Span<byte> eth = frame.AsSpan(0, n);
            if (n < 14 + 40 || BinaryPrimitives.ReadUInt16BigEndian(eth[12..]) != 0x0800)
            {
                continue;
            }

            if (Ipv4Header.TryRead(eth[14..], out Ipv4Header ip) && ip.Protocol == TcpHeader.ProtocolNumber &&
                TcpHeader.TryRead(ip.Payload, out TcpHeader tcp) && tcp.DestinationPort == TcpPort &&
                new IPAddress(ip.SourceAddressBytes).Equals(ClientAddress))
            {
                ttls.Add(ip.Ttl);
            }
        }

        return [.. ttls];
    }

    private static int CountOccurrences(string text, string what) =>
        (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
}
