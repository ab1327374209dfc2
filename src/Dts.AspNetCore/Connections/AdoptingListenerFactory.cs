using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel's socket transport, plus a way in for connections that arrive by handover: the service listener
/// (0.0.0.0:Port, which takes the VIP's connections) also yields sockets restored on this node, so they run through
/// the same connection middleware and HTTP pipeline as accepted ones.
/// </summary>
internal sealed class AdoptingListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _inner;
    private readonly HandoverArrivals _arrivals;
    private readonly IPEndPoint? _serviceEndPoint;

    public AdoptingListenerFactory(
        IOptions<SocketTransportOptions> transportOptions,
        ILoggerFactory loggerFactory,
        HandoverArrivals arrivals,
        IOptions<DtsOptions> options)
    {
        _inner = new SocketTransportFactory(transportOptions, loggerFactory);
        _arrivals = arrivals;
        var o = options.Value;
        _serviceEndPoint = o.Enabled ? new IPEndPoint(IPAddress.Any, o.Port) : null;
    }

    public bool CanBind(EndPoint endpoint) => _inner.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await _inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (_serviceEndPoint is null || !_serviceEndPoint.Equals(endpoint))
        {
            return listener;
        }
        return new AdoptingConnectionListener(listener, _arrivals);
    }
}
