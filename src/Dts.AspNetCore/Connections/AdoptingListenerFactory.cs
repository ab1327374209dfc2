using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel's socket transport, plus a way in for connections that arrive by handover: the service listener
/// (0.0.0.0:Port, which takes the VIP's connections) also yields sockets restored on this node, so they run through
/// the same connection middleware and HTTP pipeline as accepted ones. The service listener is an
/// <see cref="AnchoringSocketListener"/>.
/// </summary>
internal sealed class AdoptingListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _inner;
    private readonly SocketTransportOptions _transportOptions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HandoverArrivals _arrivals;
    private readonly IPEndPoint? _serviceEndPoint;
    private readonly IPAddress? _vip;

    public AdoptingListenerFactory(
        IOptions<SocketTransportOptions> transportOptions,
        ILoggerFactory loggerFactory,
        HandoverArrivals arrivals,
        IOptions<DtsOptions> options)
    {
        _inner = new SocketTransportFactory(transportOptions, loggerFactory);
        _transportOptions = transportOptions.Value;
        _loggerFactory = loggerFactory;
        _arrivals = arrivals;
        var o = options.Value;
        _serviceEndPoint = o.Enabled ? new IPEndPoint(IPAddress.Any, o.Port) : null;
        _vip = o.Enabled && IPAddress.TryParse(o.Vip, out var vip) ? vip : null; // a bad Dts:Vip fails validation at start
    }

    public bool CanBind(EndPoint endpoint) => _inner.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (_serviceEndPoint is null || _vip is null || !_serviceEndPoint.Equals(endpoint))
        {
            return await _inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        // The service listener accepts itself: each VIP connection is anchored before Kestrel's transport reads it.
        return new AdoptingConnectionListener(AnchoringSocketListener.Bind(endpoint, _transportOptions, _vip, _loggerFactory), _arrivals);
    }
}
