using System.Net;
using System.Net.Sockets;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel connection middleware on the VIP endpoint (<c>ListenOptions.Use</c>): wraps the transport so
/// that the bytes read before the dispatch decision are recorded and the output can be silenced, and
/// attaches <see cref="DtsConnectionFeature"/>.
/// </summary>
internal sealed class DtsConnectionMiddleware(ConnectionDelegate next, DtsOptions options)
{
    public Task OnConnectionAsync(ConnectionContext context)
    {
        var adopted = context.Features.Get<AdoptedConnectionInfo>();
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (context.RemoteEndPoint is not IPEndPoint client || context.LocalEndPoint is not IPEndPoint local)
        {
            return next(context);
        }

        DtsDuplexPipe? pipe = null;
        if (adopted is null)
        {
            pipe = new DtsDuplexPipe(
                new RecordingPipeReader(context.Transport.Input, options.MaxRecordedBytes),
                new SilenceablePipeWriter(context.Transport.Output));
            context.Transport = pipe;
        }

        var feature = new DtsConnectionFeature
        {
            Flow = new FlowKey(Normalize(client), Normalize(local)),
            Socket = socket,
            Pipe = pipe,
            ArrivedByHandover = adopted is not null,
            OriginNodeId = adopted?.OriginNodeId,
            HandoverId = adopted?.HandoverId,
        };
        context.Features.Set(feature);
        context.Features.Set<IDtsHandoverFeature>(feature);
        return next(context);
    }

    private static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;
}
