using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// The one way into Kestrel for connections that arrive by handover, whatever the mechanism: every such
/// connection comes out of the VIP listener (<see cref="AdoptingConnectionListener"/>) carrying an
/// <see cref="AdoptedConnectionInfo"/> feature, which the connection middleware turns into
/// <see cref="IDtsHandoverFeature"/>. A mechanism either hands over a socket it restored outside the listener
/// (<see cref="TryAdopt"/>) or announces a connection the kernel's listener will accept (<see cref="Expect"/>).
/// </summary>
internal sealed class HandoverArrivals(ILoggerFactory loggerFactory) : IDisposable
{
    private readonly SocketConnectionContextFactory _factory = new(
        new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger("Dts.AspNetCore.Adopter"));
    private readonly ConcurrentDictionary<FlowKey, AdoptedConnectionInfo> _expected = new();
    private ChannelWriter<ConnectionContext>? _writer;

    /// <summary>True while the VIP listener is bound (no connection can arrive before).</summary>
    public bool IsReady => Volatile.Read(ref _writer) is not null;

    internal void Attach(ChannelWriter<ConnectionContext> writer) => Volatile.Write(ref _writer, writer);

    internal void Detach(ChannelWriter<ConnectionContext> writer) =>
        Interlocked.CompareExchange(ref _writer, null, writer);

    /// <summary>
    /// Turns <paramref name="socket"/>, a connected socket restored on this node, into a Kestrel connection
    /// (<see cref="SocketConnectionContextFactory"/>) and queues it on the VIP listener as if that listener had
    /// accepted it. False when no VIP listener is bound or it stopped; the socket is then still the caller's.
    /// </summary>
    public bool TryAdopt(Socket socket, AdoptedConnectionInfo info)
    {
        var writer = Volatile.Read(ref _writer);
        if (writer is null)
        {
            return false;
        }
        var connection = _factory.Create(socket);
        connection.Features.Set(info);
        return writer.TryWrite(connection);
    }

    /// <summary>
    /// Announces that the VIP listener will accept the connection of <paramref name="flow"/> and that it arrives
    /// by handover. Call before the connection can complete in the kernel; <see cref="Forget"/> when it won't.
    /// </summary>
    public void Expect(FlowKey flow, AdoptedConnectionInfo info) => _expected[flow] = info;

    /// <summary>Withdraws an <see cref="Expect"/> (the handover was not applied).</summary>
    public void Forget(FlowKey flow) => _expected.TryRemove(flow, out _);

    /// <summary>Called by the VIP listener for each connection it accepted: attaches the handover info of an expected one.</summary>
    internal void Claim(ConnectionContext connection)
    {
        if (FlowOf(connection) is { } flow && _expected.TryRemove(flow, out var info))
        {
            connection.Features.Set(info);
        }
    }

    /// <summary>The connection's 4-tuple (IPv4-mapped addresses as IPv4), or null when it is not an IP connection.</summary>
    internal static FlowKey? FlowOf(ConnectionContext connection) =>
        connection.RemoteEndPoint is IPEndPoint client && connection.LocalEndPoint is IPEndPoint local
            ? new FlowKey(Normalize(client), Normalize(local))
            : null;

    private static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;

    public void Dispose() => _factory.Dispose();
}
