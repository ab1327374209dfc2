using System.Net;
using System.Net.Sockets;
using Dts.AspNetCore.Splice;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Dts.Linux.Tcp;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel connection middleware on the VIP endpoint (<c>ListenOptions.Use</c>): wraps the transport so
/// that the bytes read before the dispatch decision are recorded and the output can be silenced, and
/// attaches <see cref="DtsConnectionFeature"/>.
/// </summary>
internal sealed class DtsConnectionMiddleware(ConnectionDelegate next, DtsOptions options, SpliceEngine splice)
{
    public Task OnConnectionAsync(ConnectionContext context)
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (context.RemoteEndPoint is not IPEndPoint client || context.LocalEndPoint is not IPEndPoint local)
        {
            return next(context);
        }
        var flow = new FlowKey(Normalize(client), Normalize(local));
        var spliced = options.Mechanism == HandoverMechanism.Splice;
        var adopted = context.Features.Get<AdoptedConnectionInfo>() ?? (spliced ? splice.TakeArrival(flow) : null);

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
            Flow = flow,
            Socket = socket,
            SavedSyn = spliced && adopted is null && socket is not null ? TcpRepair.TryGetSavedSyn(socket.SafeHandle) : null,
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
