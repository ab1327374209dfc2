using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dts.Core.Packets;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Tcp;

/// <summary>
/// The Splice handshake at the Linux layer, in one namespace: a listener on the VIP (on lo), a client address
/// behind a veth that nothing answers. The test injects the client's SYN, steals the listener's
/// SYN-ACK in an NFQUEUE, injects the handshake ACK with the first request bytes, and accepts the connection.
/// </summary>
public sealed partial class RawInjectorTests : IDisposable
{
    private const uint Mark = 0x7d6;
    private static readonly IPEndPoint Vip = new(IPAddress.Parse("198.18.81.100"), 80);
    private static readonly IPEndPoint Client = new(IPAddress.Parse("198.18.81.5"), 40000);

    private readonly TestNamespaces _namespaces = new();
    private readonly NetworkNamespace _ns;
    private readonly NftContext _nft;

    public RawInjectorTests()
    {
        try
        {
            _ns = _namespaces.Add("raw");
            TestNamespaces.Ip(_ns, $"addr add {Vip.Address}/32 dev lo");
            // The client's side of the "wire": a veth whose peer has no address (this kernel has no dummy driver).
            TestNamespaces.Ip(_ns, "link add d0 type veth peer name d1");
            TestNamespaces.Ip(_ns, "addr add 198.18.81.1/24 dev d0");
            TestNamespaces.Ip(_ns, "link set d1 up");
            TestNamespaces.Ip(_ns, "link set d0 up");
            _nft = _ns.Run(() => new NftContext());
            _nft.Run($$"""
                table inet dts_lt_raw {
                  chain out {
                    type filter hook output priority -300; policy accept;
                    ip saddr {{Vip.Address}} tcp sport {{Vip.Port}} meta mark set {{Mark}}
                  }
                  chain post {
                    type filter hook postrouting priority 0; policy accept;
                    ip saddr {{Vip.Address}} tcp sport {{Vip.Port}} counter
                  }
                }
                """);
        }
        catch
        {
            _nft?.Dispose();
            _namespaces.Dispose(); // xUnit does not call Dispose when the constructor throws
            throw;
        }
    }

    public void Dispose()
    {
        _nft.Dispose();
        _namespaces.Dispose();
    }

    [RootFact]
    public void Send_SynThenAck_ListenerAcceptsInjectedConnectionWithData()
    {
        using NfQueueSteering steering = _ns.Run(() => new NfQueueSteering(new NfQueueSteeringOptions
        {
            QueueNumber = 8,
            Mark = Mark,
            Hooks = NfQueueSteeringHooks.Output,
        }));
        steering.Install();
        SeqNum synAckSeq = default, synAckAck = default;
        using var stolen = new ManualResetEventSlim();
        using NfQueue queue = _ns.Run(() => new NfQueue(new NfQueueOptions { QueueNumber = 8 }, (ref QueuedPacket p) =>
        {
            if (Ipv4Header.TryRead(p.Payload, out Ipv4Header ip) && ip.Protocol == TcpHeader.ProtocolNumber &&
                TcpHeader.TryRead(ip.Payload, out TcpHeader tcp) && tcp.Flags == (TcpFlags.Syn | TcpFlags.Ack))
            {
                synAckSeq = tcp.SequenceNumber;
                synAckAck = tcp.AcknowledgmentNumber;
                stolen.Set();
            }

            return PacketVerdict.Drop; // nothing the listener sends may reach the client
        }));
        using Socket listener = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(Vip);
        listener.Listen();
        using RawInjector injector = _ns.Run(() => new RawInjector());

        var isn = new SeqNum(0xfffffff0); // wraps: the data crosses 2^32
        injector.Send(Ipv4Packets.Tcp(Client, Vip, new TcpSegmentWriter { SequenceNumber = isn, Flags = TcpFlags.Syn, Window = 64240, Mss = 1460 }));
        Assert.True(stolen.Wait(TimeSpan.FromSeconds(3)), "the listener answered the injected SYN (SYN-ACK seen in the queue)");
        Assert.Equal(isn + 1, synAckAck);

        byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: dts\r\n\r\n");
        injector.Send(Ipv4Packets.Tcp(Client, Vip, new TcpSegmentWriter
        {
            SequenceNumber = isn + 1,
            AcknowledgmentNumber = synAckSeq + 1,
            Flags = TcpFlags.Ack | TcpFlags.Psh,
            Window = 64240,
            Payload = request,
        }));

        Assert.True(listener.Poll(TimeSpan.FromSeconds(3), SelectMode.SelectRead), "the handshake ACK completed the connection");
        using Socket accepted = listener.Accept();
        accepted.ReceiveTimeout = 3000;
        Assert.Equal(Client, accepted.RemoteEndPoint);
        Assert.Equal(request, accepted.ReceiveExactly(request.Length));
        SocketExtensions.WaitUntil(() => queue.Dropped >= 1, TimeSpan.FromSeconds(3), "the SYN-ACK's drop verdict"); // counted after the handler returns
        Assert.Equal(0, PostroutingCount()); // every listener packet (SYN-ACK, ACKs) was stolen before postrouting
    }

    [RootFact]
    public void Send_Ipv6Datagram_ArrivesAtLocalSocket_WrongFamilyIsRejected()
    {
        using RawInjector v4 = _ns.Run(() => new RawInjector());
        using RawInjector v6 = _ns.Run(() => new RawInjector(AddressFamily.InterNetworkV6));
        byte[] ipv4 = Ipv4Packets.Tcp(Client, Vip, new TcpSegmentWriter { SequenceNumber = new SeqNum(1), Flags = TcpFlags.Syn, Window = 1000 });
        Assert.Throws<ArgumentException>(() => v6.Send(ipv4));
        Assert.Throws<ArgumentException>(() => v4.Send(ipv4.AsSpan(0, 10)));
        Assert.Throws<ArgumentException>(() => new RawInjector(AddressFamily.Unix));

        using Socket receiver = _ns.CreateSocket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 9999));
        receiver.ReceiveTimeout = 3000;
        byte[] payload = Encoding.ASCII.GetBytes("injected over IPv6");
        v6.Send(Udp6(new IPEndPoint(IPAddress.IPv6Loopback, 5555), new IPEndPoint(IPAddress.IPv6Loopback, 9999), payload));

        byte[] buffer = new byte[100];
        EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
        int n = receiver.ReceiveFrom(buffer, ref from);
        Assert.Equal(payload, buffer[..n]);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5555), from);
    }

    /// <summary>An IPv6 UDP datagram (RFC 768 header: ports, length, checksum) with its mandatory checksum, RFC 8200 §8.1.</summary>
    private static byte[] Udp6(IPEndPoint source, IPEndPoint destination, byte[] payload)
    {
        const byte Udp = 17;
        byte[] src = source.Address.GetAddressBytes();
        byte[] dst = destination.Address.GetAddressBytes();
        int udpLength = 8 + payload.Length;
        byte[] packet = new byte[Ipv6Header.Length + udpLength];
        Assert.True(Ipv6Header.TryWrite(packet, src, dst, Udp, udpLength));
        Span<byte> udp = packet.AsSpan(Ipv6Header.Length);
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)destination.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        payload.CopyTo(udp[8..]);
        Assert.True(InternetChecksum.TryPseudoHeaderSum(src, dst, Udp, (uint)udpLength, out ushort pseudo));
        ushort checksum = (ushort)~InternetChecksum.Sum(udp, pseudo);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum); // RFC 768: 0 means none
        return packet;
    }

    private long PostroutingCount()
    {
        Match m = CounterRegex().Match(_nft.Run("list chain inet dts_lt_raw post"));
        Assert.True(m.Success);
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterRegex();
}
