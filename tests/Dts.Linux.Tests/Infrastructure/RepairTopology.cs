using System.Net;
using System.Net.Sockets;
using Dts.Linux.Namespaces;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>
/// A client namespace C with two point-to-point veth links, c1—s1 to server namespace S1 and c2—s2 to S2.
/// S1 and S2 both own the server address; C routes it over c1 until <see cref="MoveToS2"/> takes s1 down
/// (so S1's stack can no longer reach the wire) and routes it over c2.
/// </summary>
internal sealed class RepairTopology : IDisposable
{
    public static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.77.1");
    public static readonly IPAddress ServerAddress = IPAddress.Parse("198.18.77.2");

    private readonly TestNamespaces _namespaces = new();

    public RepairTopology()
    {
        try
        {
            C = _namespaces.Add("c");
            S1 = _namespaces.Add("s1");
            S2 = _namespaces.Add("s2");
            foreach ((NetworkNamespace s, string peer, string dev) in new[] { (S1, "c1", "s1"), (S2, "c2", "s2") })
            {
                TestNamespaces.Ip(C, $"link add {peer} type veth peer name {dev} netns {s.Name}");
                TestNamespaces.Ip(s, $"addr add {ServerAddress}/32 dev {dev}");
                TestNamespaces.Ip(s, $"link set {dev} up");
                TestNamespaces.Ip(s, $"route add {ClientAddress}/32 dev {dev}");
                TestNamespaces.Ip(C, $"link set {peer} up");
            }

            TestNamespaces.Ip(C, $"addr add {ClientAddress}/32 dev lo");
            TestNamespaces.Ip(C, $"route add {ServerAddress}/32 dev c1 src {ClientAddress}");
        }
        catch
        {
            _namespaces.Dispose();
            throw;
        }
    }

    public NetworkNamespace C { get; }

    public NetworkNamespace S1 { get; }

    public NetworkNamespace S2 { get; }

    /// <summary>Cuts S1 off the wire (what the origin's handed_out drop does).</summary>
    public void IsolateS1() => TestNamespaces.Ip(S1, "link set s1 down");

    /// <summary>Routes the client's traffic to S2.</summary>
    public void RouteToS2() => TestNamespaces.Ip(C, $"route replace {ServerAddress}/32 dev c2 src {ClientAddress}");

    /// <summary>A listener on the server address in <paramref name="ns"/>, which must be <see cref="S1"/> or <see cref="S2"/>.</summary>
    public Socket Listen(NetworkNamespace ns, int port, int? receiveBuffer = null)
    {
        if (ns != S1 && ns != S2)
        {
            throw new ArgumentException("Only the servers S1 and S2 listen on the server address.", nameof(ns));
        }

        Socket listener = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is int size)
        {
            // SO_RCVBUFFORCE (33): above net.core.rmem_max; accepted sockets inherit it.
            listener.SetRawSocketOption(1, 33, BitConverter.GetBytes(size));
        }

        listener.Bind(new IPEndPoint(ServerAddress, port));
        listener.Listen();
        return listener;
    }

    public Socket Connect(int port)
    {
        Socket client = C.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.ReceiveTimeout = 15_000;
        client.SendTimeout = 15_000;
        client.Connect(new IPEndPoint(ServerAddress, port));
        return client;
    }

    public void Dispose() => _namespaces.Dispose();
}
