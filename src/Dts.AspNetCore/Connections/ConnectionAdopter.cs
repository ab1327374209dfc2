using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Turns a restored socket into a Kestrel connection (<see cref="SocketConnectionContextFactory"/>) and
/// hands it to the VIP listener, as if that listener had accepted it.
/// </summary>
internal sealed class ConnectionAdopter(ILoggerFactory loggerFactory) : IDisposable
{
    private readonly SocketConnectionContextFactory _factory = new(
        new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger("Dts.AspNetCore.Adopter"));
    private ChannelWriter<ConnectionContext>? _writer;

    public bool IsReady => Volatile.Read(ref _writer) is not null;

    internal void Attach(ChannelWriter<ConnectionContext> writer) => Volatile.Write(ref _writer, writer);

    internal void Detach(ChannelWriter<ConnectionContext> writer) =>
        Interlocked.CompareExchange(ref _writer, null, writer);

    /// <summary>Queues <paramref name="socket"/> for Kestrel; false when no VIP listener is bound.</summary>
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

    public void Dispose() => _factory.Dispose();
}
