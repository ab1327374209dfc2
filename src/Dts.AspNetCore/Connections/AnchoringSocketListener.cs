using System.Net;
using System.Net.Sockets;
using Dts.Linux;
using Dts.Linux.Tcp;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// The service listener (0.0.0.0:Port): Kestrel's socket transport, except that it accepts the sockets itself so that
/// each connection to the VIP gets its <see cref="TcpCheckpointAnchor"/> before Kestrel's transport starts reading it
/// (<see cref="SocketConnectionContextFactory.Create"/> starts the receive loop). With the anchor, the origin checkpoints
/// the connection without repair mode (<see cref="TcpRepair.CheckpointLive"/>): repair mode while the transport reads
/// made its recv(2) fail (EPERM, EINVAL), and Kestrel aborted a connection whose handover then failed and fell back.
/// Binding, backlog, TCP_NODELAY and the accept loop's error handling follow Kestrel's <c>SocketConnectionListener</c>.
/// The anchor is a connection feature (<see cref="TcpCheckpointAnchor"/>); a connection without one (not to the VIP, or
/// the anchor failed: the client closed at once) is checkpointed the old way or not at all.
/// </summary>
internal sealed partial class AnchoringSocketListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketConnectionContextFactory _factory;
    private readonly IPAddress _vip;
    private readonly bool _noDelay;
    private readonly ILogger _logger;

    private AnchoringSocketListener(Socket listenSocket, SocketConnectionContextFactory factory, IPAddress vip, bool noDelay, ILogger logger)
    {
        _listenSocket = listenSocket;
        _factory = factory;
        _vip = vip;
        _noDelay = noDelay;
        _logger = logger;
        EndPoint = listenSocket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    /// <summary>Binds <paramref name="endpoint"/> with <see cref="SocketTransportOptions.CreateBoundListenSocket"/> and listens.</summary>
    /// <exception cref="AddressInUseException">The address is taken (as Kestrel reports it).</exception>
    public static AnchoringSocketListener Bind(EndPoint endpoint, SocketTransportOptions options, IPAddress vip, ILoggerFactory loggerFactory)
    {
        Socket socket;
        try
        {
            socket = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }
        socket.Listen(options.Backlog);
        var factory = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = options.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = options.MaxReadBufferSize,
                MaxWriteBufferSize = options.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
            },
            loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return new AnchoringSocketListener(socket, factory, vip, options.NoDelay, loggerFactory.CreateLogger<AnchoringSocketListener>());
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _listenSocket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null; // unbound
            }
            catch (SocketException)
            {
                continue; // the connection was reset before it was accepted (Kestrel does the same)
            }

            if (accepted.LocalEndPoint is IPEndPoint { Address: var local } && local.Equals(_vip))
            {
                accepted.NoDelay = _noDelay;
                var anchor = TryAnchor(accepted);
                var connection = _factory.Create(accepted);
                if (anchor is not null)
                {
                    connection.Features.Set(anchor);
                }
                return connection;
            }
            accepted.NoDelay = _noDelay;
            return _factory.Create(accepted);
        }
    }

    private TcpCheckpointAnchor? TryAnchor(Socket socket)
    {
        try
        {
            return TcpRepair.Anchor(socket.SafeHandle);
        }
        catch (LinuxSocketException ex)
        {
            Log.AnchorFailed(_logger, socket.RemoteEndPoint, ex.Message);
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _listenSocket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _listenSocket.Dispose();
        _factory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "No checkpoint anchor for the connection from {Client}: {Error}")]
        public static partial void AnchorFailed(ILogger logger, EndPoint? client, string error);
    }
}
